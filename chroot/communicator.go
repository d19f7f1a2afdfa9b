package chroot

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

	"github.com/kilnbuild/kiln/sdk"
)

// Communicator runs commands inside a chroot on the build host and moves
// files in and out of it.
//
// Each command runs as `chroot <Chroot> /bin/sh -c <command>`, passed
// through CmdWrapper, in new PID and mount namespaces: the command is the
// first process of its PID namespace, so when it ends the kernel kills
// every process it left behind, and /proc inside the chroot is remounted
// for that namespace. Files are copied directly between the host and the
// chroot's directory; paths inside the chroot are resolved as the chroot
// would (see SecureJoin), so links in the image cannot reach host files.
type Communicator struct {
	// Chroot is the root directory of the chroot.
	Chroot string
	// CmdWrapper, when set, wraps every command before it runs.
	CmdWrapper CommandWrapper
	// ShareNamespaces runs commands in kiln's own PID and mount
	// namespaces, for hosts that forbid new ones. Processes left behind
	// then keep running until KillProcesses stops them.
	ShareNamespaces bool
}

var _ sdk.Communicator = (*Communicator)(nil)

// Start implements sdk.Communicator.
func (c *Communicator) Start(ctx context.Context, rc *sdk.RemoteCmd) error {
	command := fmt.Sprintf("chroot %s /bin/sh -c %s", shellQuote(c.Chroot), shellQuote(rc.Command))
	if c.CmdWrapper != nil {
		var err error
		if command, err = c.CmdWrapper(command); err != nil {
			return err
		}
	}
	args := []string{"-c", command}
	var attr *syscall.SysProcAttr
	if !c.ShareNamespaces {
		// In the new mount namespace (Go makes it private to it), give
		// the chroot a /proc of the new PID namespace when it has one.
		script := `if [ -d "$0/proc/self" ]; then mount -t proc -o nosuid,nodev,noexec proc "$0/proc" 2>/dev/null; fi; exec /bin/sh -c "$1"`
		args = []string{"-c", script, c.Chroot, command}
		attr = namespaceAttr()
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", args...)
	cmd.WaitDelay = waitDelay
	cmd.SysProcAttr = attr
	cmd.Stdin, cmd.Stdout, cmd.Stderr = rc.Stdin, rc.Stdout, rc.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %q in chroot %s: %w", rc.Command, c.Chroot, err)
	}
	go func() {
		_ = cmd.Wait()
		rc.SetExited(exitStatus(cmd))
	}()
	return nil
}

// path resolves the chroot path p to a host path inside Chroot.
func (c *Communicator) path(p string) (string, error) {
	if !filepath.IsAbs(p) {
		p = "/" + p
	}
	return SecureJoin(c.Chroot, p)
}

// Upload implements sdk.Communicator. Missing parent directories are
// created. The file gets fi's permission bits, or 0644 without fi.
func (c *Communicator) Upload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error {
	host, err := c.path(dst)
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	mode := fs.FileMode(0o644)
	if fi != nil {
		mode = fi.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	if err := writeFile(ctx, host, r, mode); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	return nil
}

// Download implements sdk.Communicator.
func (c *Communicator) Download(ctx context.Context, src string, w io.Writer) error {
	host, err := c.path(src)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	f, err := os.Open(host)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	defer f.Close()
	if _, err := io.Copy(w, ctxReader{ctx, f}); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	return nil
}

// UploadDir implements sdk.Communicator.
func (c *Communicator) UploadDir(ctx context.Context, dst, src string, exclude []string) error {
	target := dst
	if !strings.HasSuffix(src, "/") {
		target = filepath.Join(dst, filepath.Base(src))
	}
	return copyTree(ctx, src, exclude, func(rel string) (string, error) {
		return c.path(filepath.Join(target, rel))
	})
}

// DownloadDir implements sdk.Communicator.
func (c *Communicator) DownloadDir(ctx context.Context, src, dst string, exclude []string) error {
	host, err := c.path(src)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	target := dst
	if !strings.HasSuffix(src, "/") {
		target = filepath.Join(dst, filepath.Base(filepath.Clean(src)))
	}
	return copyTree(ctx, host+"/", exclude, func(rel string) (string, error) {
		return filepath.Join(target, rel), nil
	})
}

// copyTree copies the directory src (its contents) to the paths dest
// returns for each path relative to src. Directories, regular files and
// symbolic links (copied as links) are copied; entries matching exclude
// (a filepath.Match pattern against the relative path or the base name)
// are skipped, with everything below them.
func copyTree(ctx context.Context, src string, exclude []string, dest func(rel string) (string, error)) error {
	root := filepath.Clean(src)
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if rel != "." && excluded(rel, exclude) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		to, err := dest(rel)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
			return os.Chmod(to, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			// The link itself is replaced, not what it points to.
			parent, err := dest(filepath.Dir(rel))
			if err != nil {
				return err
			}
			to = filepath.Join(parent, filepath.Base(rel))
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if err := os.Remove(to); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return os.Symlink(link, to)
		case d.Type().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return writeFile(ctx, to, f, info.Mode().Perm())
		default:
			return nil // devices, sockets, fifos: not copied
		}
	})
}

func excluded(rel string, patterns []string) bool {
	for _, pat := range patterns {
		if ok, _ := filepath.Match(pat, rel); ok {
			return true
		}
		if ok, _ := filepath.Match(pat, filepath.Base(rel)); ok {
			return true
		}
	}
	return false
}

// writeFile writes r to path with mode, replacing what is there.
func writeFile(ctx context.Context, path string, r io.Reader, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|oNoFollow, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ctxReader stops a copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
