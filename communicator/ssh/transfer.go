package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kilnbuild/kiln/communicator/transfer"
	"github.com/pkg/sftp"
	gossh "golang.org/x/crypto/ssh"
)

type sftpState struct {
	client      *sftp.Client
	unavailable error // the reason SFTP cannot be used, once known
}

// sftpConcurrency is how many SFTP writes an upload keeps in flight.
const sftpConcurrency = 64

// errNoSFTP means the server has no SFTP subsystem and scp is allowed.
var errNoSFTP = errors.New("no sftp subsystem")

// sftpClient returns the connection's SFTP client, opening it once per
// connection. With FileTransfer "" a server without SFTP gives errNoSFTP
// (use scp).
func (c *Comm) sftpClient(ctx context.Context) (*sftp.Client, error) {
	if c.cfg.FileTransfer == "scp" {
		return nil, errNoSFTP
	}
	c.sftpMu.Lock()
	defer c.sftpMu.Unlock()
	client, err := c.live(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	st := c.sftp
	c.mu.Unlock()
	if st == nil {
		st = &sftpState{}
		st.client, st.unavailable = c.openSFTP(ctx, client)
		if st.unavailable != nil && !alive(client) {
			// Not a missing subsystem: the connection is gone.
			if client, err = c.reconnect(ctx, client); err != nil {
				return nil, err
			}
			st.client, st.unavailable = c.openSFTP(ctx, client)
		}
		c.mu.Lock()
		if c.client == client {
			c.sftp = st
		}
		c.mu.Unlock()
	}
	if st.client != nil {
		return st.client, nil
	}
	if c.cfg.FileTransfer == "sftp" {
		return nil, fmt.Errorf("start sftp: %w", st.unavailable)
	}
	return nil, errNoSFTP
}

// alive reports whether client's connection still answers.
func alive(client *gossh.Client) bool {
	_, _, err := client.SendRequest("keepalive@openssh.com", true, nil)
	return err == nil
}

// Upload implements sdk.Communicator. The directory of dst must exist.
func (c *Comm) Upload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error {
	cl, err := c.sftpClient(ctx)
	if errors.Is(err, errNoSFTP) {
		return c.scpUpload(ctx, dst, r, fi)
	}
	if err != nil {
		return err
	}
	if err := sftpUpload(ctx, cl, dst, r, fi); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	return nil
}

func sftpUpload(ctx context.Context, cl *sftp.Client, dst string, r io.Reader, fi fs.FileInfo) error {
	f, err := cl.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return err
	}
	// Many writes in flight: the round trips overlap. (ReadFrom would
	// only do this for readers that tell their size, which progress bars
	// and cancellation hide.)
	if _, err := f.ReadFromWithConcurrency(transfer.ContextReader(ctx, r), sftpConcurrency); err != nil {
		f.Close()
		return err
	}
	if fi != nil {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// UploadDir implements sdk.Communicator: dst is created if missing; src is
// copied into it (src/ copies only its contents).
func (c *Comm) UploadDir(ctx context.Context, dst string, src string, exclude []string) error {
	cl, err := c.sftpClient(ctx)
	if errors.Is(err, errNoSFTP) {
		return c.scpUploadDir(ctx, dst, src, exclude)
	}
	if err != nil {
		return err
	}
	root := filepath.Clean(src)
	target := dst
	if !strings.HasSuffix(src, "/") {
		target = path.Join(dst, filepath.Base(root))
	}
	if err := cl.MkdirAll(target); err != nil {
		return fmt.Errorf("upload %s: mkdir %s: %w", src, target, err)
	}

	// Directories are made in walk order; files go through a few workers,
	// since each one costs several round trips.
	type job struct {
		local, remote string
		fi            fs.FileInfo
	}
	jobs := make(chan job)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for range 8 {
		wg.Go(func() {
			for j := range jobs {
				if ctx.Err() != nil {
					continue
				}
				f, err := os.Open(j.local)
				if err != nil {
					fail(fmt.Errorf("upload %s: %w", j.local, err))
					continue
				}
				err = sftpUpload(ctx, cl, j.remote, f, j.fi)
				f.Close()
				if err != nil {
					fail(fmt.Errorf("upload %s to %s: %w", j.local, j.remote, err))
				}
			}
		})
	}
	walkErr := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("upload %s: %w", p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		if transfer.Excluded(rel, exclude) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		remote := path.Join(target, filepath.ToSlash(rel))
		fi, err := d.Info()
		if err != nil {
			return fmt.Errorf("upload %s: %w", p, err)
		}
		switch {
		case d.IsDir():
			if err := cl.Mkdir(remote); err != nil {
				if st, serr := cl.Stat(remote); serr != nil || !st.IsDir() {
					return fmt.Errorf("upload %s: mkdir %s: %w", p, remote, err)
				}
			}
			_ = cl.Chmod(remote, fi.Mode().Perm())
		case fi.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return fmt.Errorf("upload %s: %w", p, err)
			}
			_ = cl.Remove(remote)
			if err := cl.Symlink(link, remote); err != nil {
				return fmt.Errorf("upload %s: symlink %s: %w", p, remote, err)
			}
		case fi.Mode().IsRegular():
			select {
			case jobs <- job{local: p, remote: remote, fi: fi}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return walkErr
}

// Download implements sdk.Communicator.
func (c *Comm) Download(ctx context.Context, src string, w io.Writer) error {
	cl, err := c.sftpClient(ctx)
	if errors.Is(err, errNoSFTP) {
		return c.scpDownload(ctx, src, w)
	}
	if err != nil {
		return err
	}
	f, err := cl.Open(src)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	defer f.Close()
	// WriteTo reads in parallel; wrapping f would hide it.
	if _, err := f.WriteTo(transfer.ContextWriter(ctx, w)); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	return nil
}

// DownloadDir implements sdk.Communicator: the remote directory src (its
// contents when it ends in "/"), or every match of a glob, is copied into
// the local directory dst.
func (c *Comm) DownloadDir(ctx context.Context, src string, dst string, exclude []string) error {
	cl, err := c.sftpClient(ctx)
	if errors.Is(err, errNoSFTP) {
		return c.scpDownloadDir(ctx, src, dst, exclude)
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	if strings.ContainsAny(src, "*?[") {
		matches, err := cl.Glob(src)
		if err != nil {
			return fmt.Errorf("download %s: %w", src, err)
		}
		if len(matches) == 0 {
			return fmt.Errorf("download %s: no file matches", src)
		}
		for _, m := range matches {
			if err := sftpDownloadTree(ctx, cl, m, filepath.Join(dst, path.Base(m)), exclude); err != nil {
				return err
			}
		}
		return nil
	}
	target := dst
	if !strings.HasSuffix(src, "/") {
		target = filepath.Join(dst, path.Base(src))
	}
	return sftpDownloadTree(ctx, cl, path.Clean(src), target, exclude)
}

// sftpDownloadTree copies the remote file or tree src to the local path dst.
func sftpDownloadTree(ctx context.Context, cl *sftp.Client, src, dst string, exclude []string) error {
	w := cl.Walk(src)
	for w.Step() {
		if err := w.Err(); err != nil {
			return fmt.Errorf("download %s: %w", w.Path(), err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(w.Path(), src), "/")
		if rel != "" && transfer.Excluded(rel, exclude) {
			if w.Stat().IsDir() {
				w.SkipDir()
			}
			continue
		}
		local := filepath.Join(dst, filepath.FromSlash(rel))
		fi := w.Stat()
		switch {
		case fi.IsDir():
			if err := os.MkdirAll(local, fi.Mode().Perm()|0o700); err != nil {
				return fmt.Errorf("download %s: %w", w.Path(), err)
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			link, err := cl.ReadLink(w.Path())
			if err != nil {
				return fmt.Errorf("download %s: %w", w.Path(), err)
			}
			_ = os.Remove(local)
			if err := os.Symlink(link, local); err != nil {
				return fmt.Errorf("download %s: %w", w.Path(), err)
			}
		case fi.Mode().IsRegular():
			if err := sftpDownloadFile(ctx, cl, w.Path(), local, fi.Mode().Perm()); err != nil {
				return err
			}
		}
	}
	return nil
}

func sftpDownloadFile(ctx context.Context, cl *sftp.Client, src, dst string, mode fs.FileMode) error {
	in, err := cl.Open(src)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	if _, err := in.WriteTo(transfer.ContextWriter(ctx, out)); err != nil {
		out.Close()
		return fmt.Errorf("download %s: %w", src, err)
	}
	return out.Close()
}

// quote quotes s for a POSIX shell.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
