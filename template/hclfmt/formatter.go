package hclfmt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Formatter formats files and folders the way `packer fmt` does. Its zero
// value lists changed files without writing them; set Write for the
// command's default behaviour.
type Formatter struct {
	// Write rewrites changed files in place; for standard input it prints
	// the formatted text.
	Write bool
	// Diff prints a unified diff after the name of each changed file (never
	// for standard input).
	Diff bool
	// Recursive descends into sub-folders of the folders given.
	Recursive bool
	// Out receives the names of changed files, the diffs, and the text read
	// from standard input once formatted. Default os.Stdout.
	Out io.Writer
	// Stdin is read for the path "-". Default os.Stdin.
	Stdin io.Reader
}

// Result sums up a run.
type Result struct {
	// Changed lists the files whose canonical form differs from their
	// content, in the order they were processed ("-" for standard input).
	Changed []string
}

// Format formats each path: a folder's HCL files (see the package
// documentation for which), a file, or standard input for "-". Problems
// with one file are reported as diagnostics and the others are still
// processed; a folder that cannot be listed ends the run.
func (f *Formatter) Format(ctx context.Context, paths []string) (Result, hcl.Diagnostics) {
	defer raiseGC()()
	r := &run{Formatter: f, ctx: ctx, out: f.Out, in: f.Stdin}
	if r.out == nil {
		r.out = os.Stdout
	}
	if r.in == nil {
		r.in = os.Stdin
	}
	if !f.Write {
		// Nothing is rewritten: files can be read and formatted ahead.
		r.pre = newPrefetch(ctx, f, paths)
		defer r.pre.stop()
	}
	r.paths(paths)
	return r.res, r.diags
}

type run struct {
	*Formatter
	ctx   context.Context
	out   io.Writer
	in    io.Reader
	res   Result
	diags hcl.Diagnostics
	stop  bool // interrupted
	// pre reads and formats files ahead, when set.
	pre *prefetch
}

// paths processes paths in order. It reports false when a folder cannot be
// listed or the run is interrupted: Packer stops there.
func (r *run) paths(paths []string) bool {
	for _, p := range paths {
		if r.interrupted() {
			return false
		}
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			r.file(p)
			continue
		}
		if !r.dir(p) {
			return false
		}
	}
	return true
}

// dir processes the entries of a folder, in name order.
func (r *run) dir(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		r.diags = append(r.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read hcl directory",
			Detail:   err.Error(),
		})
		return false
	}
	for _, e := range entries {
		if r.interrupted() {
			return false
		}
		name := e.Name()
		if Ignored(name) {
			continue
		}
		p := filepath.Join(dir, name)
		switch {
		case e.IsDir():
			// A sub-folder that cannot be listed ends only its own scan.
			if r.Recursive && !r.paths([]string{p}) && r.stop {
				return false
			}
		case IsHCLFile(p):
			r.file(p)
		}
	}
	return true
}

// interrupted reports whether ctx is done, recording it once.
func (r *run) interrupted() bool {
	if r.stop {
		return true
	}
	if err := r.ctx.Err(); err != nil {
		r.stop = true
		r.diags = append(r.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "formatting interrupted",
			Detail:   err.Error(),
		})
		return true
	}
	return false
}

// file formats one file (or standard input) and records any error.
func (r *run) file(path string) {
	if err := r.process(path); err != nil {
		r.diags = append(r.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("encountered an error while formatting %s", path),
			Detail:   err.Error(),
		})
	}
}

func (r *run) process(path string) error {
	stdin := path == StdinPath
	if !stdin && !IsHCLFile(path) {
		return fmt.Errorf("file %s is not a HCL file", path)
	}
	var (
		src, out []byte
		diags    hcl.Diagnostics
	)
	if e, ok := r.pre.take(path); ok && !stdin {
		if e.err != nil {
			return e.err
		}
		src, out, diags = e.src, e.out, e.diags
	} else {
		if stdin {
			b, err := io.ReadAll(r.in)
			if err != nil {
				return fmt.Errorf("failed to read %s: %w", path, err)
			}
			src = b
		} else {
			b, err := readFile(path)
			if err != nil {
				return err
			}
			src = b
		}
		out, diags = Source(src, path)
	}
	if diags.HasErrors() {
		return errorList(diags.Errs())
	}
	if bytes.Equal(src, out) {
		if stdin {
			_, _ = r.out.Write(out)
		}
		return nil
	}

	r.res.Changed = append(r.res.Changed, path)
	if !stdin {
		_, _ = io.WriteString(r.out, path+"\n")
	}
	if r.Write {
		if stdin {
			_, _ = r.out.Write(out)
		} else if err := os.WriteFile(path, out, 0o644); err != nil {
			return err // already names the file, as Packer shows it
		}
	}
	if r.Diff && !stdin {
		_, _ = r.out.Write(UnifiedDiff(src, out, path))
	}
	return nil
}

// errorList joins errors as a bulleted list headed by their count, the way
// Packer reports the syntax errors of a file.
type errorList []error

func (l errorList) Error() string {
	var b strings.Builder
	if len(l) == 1 {
		b.WriteString("1 error occurred:")
	} else {
		fmt.Fprintf(&b, "%d errors occurred:", len(l))
	}
	for _, e := range l {
		b.WriteString("\n\t* ")
		b.WriteString(e.Error())
	}
	b.WriteString("\n\n")
	return b.String()
}

// Unwrap gives errors.Is and errors.As access to each error.
func (l errorList) Unwrap() []error { return l }

var _ interface{ Unwrap() []error } = errorList(nil)
