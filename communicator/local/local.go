// Package local is a communicator for the machine kiln itself runs on:
// commands run through /bin/sh (or a fixed argv, for shell-local) and files
// are copied with the local filesystem. Directory copies follow rsync's
// trailing-slash rule.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/kilnbuild/kiln/communicator/transfer"
	"github.com/kilnbuild/kiln/sdk"
)

// Communicator runs commands and copies files on the local machine. The
// zero value runs commands with /bin/sh -c.
type Communicator struct {
	// ExecuteCommand, when set, is the argv run for every command instead
	// of /bin/sh -c <command> (shell-local renders it per script).
	ExecuteCommand []string
	// Dir is the working directory of commands; "" is kiln's own.
	Dir string
	// Env, when set, replaces the environment of commands.
	Env []string
}

var _ sdk.Communicator = (*Communicator)(nil)

// Start implements sdk.Communicator. The command is killed when ctx ends.
func (c *Communicator) Start(ctx context.Context, rc *sdk.RemoteCmd) error {
	argv := c.ExecuteCommand
	if len(argv) == 0 {
		argv = []string{"/bin/sh", "-c", rc.Command}
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = c.Dir
	if c.Env != nil {
		cmd.Env = c.Env
	}
	cmd.Stdin = rc.Stdin
	cmd.Stdout = rc.Stdout
	cmd.Stderr = rc.Stderr
	// Its own process group, so that cancelling kills what it started too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %q: %w", argv[0], err)
	}
	go func() {
		err := cmd.Wait()
		status := 0
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else {
				status = 1
			}
		}
		rc.SetExited(status)
	}()
	return nil
}

// Upload implements sdk.Communicator: it writes r to dst (whose directory
// must exist), with fi's permissions when given, 0644 otherwise.
func (c *Communicator) Upload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error {
	mode := fs.FileMode(0o644)
	if fi != nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("upload to %s: %w", dst, err)
	}
	if _, err := io.Copy(f, transfer.ContextReader(ctx, r)); err != nil {
		f.Close()
		return fmt.Errorf("upload to %s: %w", dst, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("upload to %s: %w", dst, err)
	}
	if fi != nil {
		// OpenFile's mode is filtered by the umask and ignored for an
		// existing file; the source's permissions are what was asked.
		if err := os.Chmod(dst, mode); err != nil {
			return fmt.Errorf("upload to %s: %w", dst, err)
		}
	}
	return nil
}

// UploadDir implements sdk.Communicator.
func (c *Communicator) UploadDir(ctx context.Context, dst string, src string, exclude []string) error {
	return copyTree(ctx, dst, src, exclude)
}

// Download implements sdk.Communicator.
func (c *Communicator) Download(ctx context.Context, src string, w io.Writer) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	defer f.Close()
	if _, err := io.Copy(w, transfer.ContextReader(ctx, f)); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	return nil
}

// DownloadDir implements sdk.Communicator. src may be a glob, each match
// copied into dst.
func (c *Communicator) DownloadDir(ctx context.Context, src string, dst string, exclude []string) error {
	if !strings.ContainsAny(src, "*?[") {
		return copyTree(ctx, dst, src, exclude)
	}
	matches, err := filepath.Glob(src)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	if len(matches) == 0 {
		return fmt.Errorf("download %s: no file matches", src)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil {
			return fmt.Errorf("download %s: %w", m, err)
		}
		if fi.IsDir() {
			err = copyTree(ctx, dst, m, exclude)
		} else {
			err = copyFile(ctx, filepath.Join(dst, filepath.Base(m)), m, fi)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies the directory src into dst (created if missing): src
// itself when it has no trailing slash, only its contents when it has one.
func copyTree(ctx context.Context, dst, src string, exclude []string) error {
	root := src
	if !strings.HasSuffix(src, "/") {
		dst = filepath.Join(dst, filepath.Base(src))
	}
	root = filepath.Clean(root)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if transfer.Excluded(rel, exclude) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		fi, err := d.Info()
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		switch {
		case d.IsDir():
			if err := os.MkdirAll(target, fi.Mode().Perm()|0o700); err != nil {
				return fmt.Errorf("copy %s: %w", path, err)
			}
			return nil
		case fi.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return fmt.Errorf("copy %s: %w", path, err)
			}
			_ = os.Remove(target)
			if err := os.Symlink(link, target); err != nil {
				return fmt.Errorf("copy %s: %w", path, err)
			}
			return nil
		case fi.Mode().IsRegular():
			return copyFile(ctx, target, path, fi)
		}
		return nil // sockets, devices, pipes: skipped
	})
}

func copyFile(ctx context.Context, dst, src string, fi fs.FileInfo) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if _, err := io.Copy(out, transfer.ContextReader(ctx, in)); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return os.Chmod(dst, fi.Mode().Perm())
}
