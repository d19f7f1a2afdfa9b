// Package transfer holds what kiln's communicators share when moving
// files: cancellable streams and exclude-pattern matching.
package transfer

import (
	"context"
	"io"
	"path"
	"path/filepath"
	"strings"
)

// ContextReader returns a reader that fails with ctx's error once ctx
// ends, so long copies stop on cancellation.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ContextWriter returns a writer that fails with ctx's error once ctx
// ends. Wrapping the destination rather than the source leaves the
// source's WriteTo (parallel SFTP reads) usable.
func ContextWriter(ctx context.Context, w io.Writer) io.Writer {
	return &ctxWriter{ctx: ctx, w: w}
}

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Excluded reports whether rel, a slash- or OS-separated path relative to
// the copied directory, matches one of the patterns: a pattern matches the
// whole relative path or its base name (filepath.Match syntax).
func Excluded(rel string, patterns []string) bool {
	rel = filepath.ToSlash(rel)
	for _, p := range patterns {
		p = strings.TrimSuffix(filepath.ToSlash(p), "/")
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
		if ok, _ := path.Match(p, path.Base(rel)); ok {
			return true
		}
	}
	return false
}
