package ssh

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kilnbuild/kiln/communicator/transfer"
)

// scpSession runs the remote scp command with the protocol spoken by fn
// over its stdin (w) and stdout (r).
func (c *Comm) scpSession(ctx context.Context, command string, fn func(w io.Writer, r *bufio.Reader) error) error {
	sess, err := c.newSession(ctx, nil)
	if err != nil {
		return err
	}
	defer sess.Close()
	stdin, err := sess.StdinPipe()
	if err != nil {
		return fmt.Errorf("scp: %w", err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return fmt.Errorf("scp: %w", err)
	}
	var stderr limitedBuffer
	sess.Stderr = &stderr
	if err := sess.Start(command); err != nil {
		return fmt.Errorf("scp: start %q: %w", command, err)
	}
	stop := context.AfterFunc(ctx, func() { sess.Close() })
	defer stop()
	ferr := fn(stdin, bufio.NewReader(stdout))
	stdin.Close()
	werr := sess.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if ferr != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("scp: %w (%s)", ferr, msg)
		}
		return fmt.Errorf("scp: %w", ferr)
	}
	if werr != nil {
		return fmt.Errorf("scp: %s: %w: %s", command, werr, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// scpAck reads the one-byte reply of the other end: 0 is fine, 1 and 2
// are followed by a message.
func scpAck(r *bufio.Reader) error {
	b, err := r.ReadByte()
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	if b == 0 {
		return nil
	}
	msg, _ := r.ReadString('\n')
	return errors.New(strings.TrimSpace(msg))
}

// spool copies r to a temporary file, since scp needs the size first.
func spool(ctx context.Context, r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "kiln-scp-*")
	if err != nil {
		return nil, 0, err
	}
	os.Remove(f.Name())
	n, err := io.Copy(f, transfer.ContextReader(ctx, r))
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, n, nil
}

func (c *Comm) scpUpload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error {
	f, size, err := spool(ctx, r)
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	defer f.Close()
	mode := fs.FileMode(0o644)
	if fi != nil {
		mode = fi.Mode().Perm()
	}
	dir, name := path.Split(dst)
	if dir == "" {
		dir = "."
	}
	err = c.scpSession(ctx, "scp -t "+quote(dir), func(w io.Writer, r *bufio.Reader) error {
		if err := scpAck(r); err != nil {
			return err
		}
		return scpSendFile(w, r, name, mode, size, f)
	})
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	return nil
}

func scpSendFile(w io.Writer, r *bufio.Reader, name string, mode fs.FileMode, size int64, data io.Reader) error {
	if _, err := fmt.Fprintf(w, "C%04o %d %s\n", mode.Perm(), size, name); err != nil {
		return err
	}
	if err := scpAck(r); err != nil {
		return err
	}
	if _, err := io.CopyN(w, data, size); err != nil {
		return err
	}
	if _, err := w.Write([]byte{0}); err != nil {
		return err
	}
	return scpAck(r)
}

func (c *Comm) scpUploadDir(ctx context.Context, dst, src string, exclude []string) error {
	if err := c.run(ctx, "mkdir -p "+quote(dst)); err != nil {
		return fmt.Errorf("upload %s: %w", src, err)
	}
	root := filepath.Clean(src)
	return c.scpSession(ctx, "scp -rt "+quote(dst), func(w io.Writer, r *bufio.Reader) error {
		if err := scpAck(r); err != nil {
			return err
		}
		if strings.HasSuffix(src, "/") {
			return scpSendEntries(ctx, w, r, root, "", exclude)
		}
		fi, err := os.Stat(root)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "D%04o 0 %s\n", fi.Mode().Perm(), filepath.Base(root)); err != nil {
			return err
		}
		if err := scpAck(r); err != nil {
			return err
		}
		if err := scpSendEntries(ctx, w, r, root, "", exclude); err != nil {
			return err
		}
		if _, err := fmt.Fprint(w, "E\n"); err != nil {
			return err
		}
		return scpAck(r)
	})
}

// scpSendEntries sends the entries of the local directory root/rel.
func scpSendEntries(ctx context.Context, w io.Writer, r *bufio.Reader, root, rel string, exclude []string) error {
	entries, err := os.ReadDir(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		erel := filepath.Join(rel, e.Name())
		if transfer.Excluded(erel, exclude) {
			continue
		}
		full := filepath.Join(root, erel)
		fi, err := os.Stat(full) // follows symlinks: scp has no links
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if _, err := fmt.Fprintf(w, "D%04o 0 %s\n", fi.Mode().Perm(), e.Name()); err != nil {
				return err
			}
			if err := scpAck(r); err != nil {
				return err
			}
			if err := scpSendEntries(ctx, w, r, root, erel, exclude); err != nil {
				return err
			}
			if _, err := fmt.Fprint(w, "E\n"); err != nil {
				return err
			}
			if err := scpAck(r); err != nil {
				return err
			}
			continue
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		f, err := os.Open(full)
		if err != nil {
			return err
		}
		err = scpSendFile(w, r, e.Name(), fi.Mode(), fi.Size(), f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *Comm) scpDownload(ctx context.Context, src string, out io.Writer) error {
	err := c.scpSession(ctx, "scp -f "+quote(src), func(w io.Writer, r *bufio.Reader) error {
		if _, err := w.Write([]byte{0}); err != nil {
			return err
		}
		line, err := scpRecord(r)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, "C") {
			return fmt.Errorf("%s is not a regular file", src)
		}
		_, size, _, err := parseRecord(line)
		if err != nil {
			return err
		}
		return scpReceiveData(w, r, out, size)
	})
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	return nil
}

// scpRecord reads one control record (the reply byte of an error included).
func scpRecord(r *bufio.Reader) (string, error) {
	b, err := r.ReadByte()
	if err != nil {
		return "", err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if b == 1 || b == 2 {
		return "", errors.New(strings.TrimSpace(line))
	}
	return string(b) + strings.TrimSuffix(line, "\n"), nil
}

// parseRecord parses "C0644 123 name" or "D0755 0 name".
func parseRecord(line string) (fs.FileMode, int64, string, error) {
	parts := strings.SplitN(line[1:], " ", 3)
	if len(parts) != 3 {
		return 0, 0, "", fmt.Errorf("bad scp record %q", line)
	}
	mode, err := strconv.ParseUint(parts[0], 8, 32)
	if err != nil {
		return 0, 0, "", fmt.Errorf("bad scp record %q", line)
	}
	size, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || size < 0 {
		return 0, 0, "", fmt.Errorf("bad scp record %q", line)
	}
	name := parts[2]
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return 0, 0, "", fmt.Errorf("bad file name in scp record %q", line)
	}
	return fs.FileMode(mode).Perm(), size, name, nil
}

func scpReceiveData(w io.Writer, r *bufio.Reader, out io.Writer, size int64) error {
	if _, err := w.Write([]byte{0}); err != nil {
		return err
	}
	if _, err := io.CopyN(out, r, size); err != nil {
		return err
	}
	if err := scpAck(r); err != nil {
		return err
	}
	_, err := w.Write([]byte{0})
	return err
}

func (c *Comm) scpDownloadDir(ctx context.Context, src, dst string, exclude []string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	arg := quote(strings.TrimSuffix(src, "/"))
	glob := strings.ContainsAny(src, "*?[")
	if glob {
		arg = src // let the remote shell expand it
	}
	skipTop := strings.HasSuffix(src, "/") && !glob
	err := c.scpSession(ctx, "scp -rf "+arg, func(w io.Writer, r *bufio.Reader) error {
		if _, err := w.Write([]byte{0}); err != nil {
			return err
		}
		var stack []string // directories below dst, as received
		depth := 0
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			line, err := scpRecord(r)
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			switch line[0] {
			case 'T':
				if _, err := w.Write([]byte{0}); err != nil {
					return err
				}
				continue
			case 'E':
				depth--
				if len(stack) > 0 && !(skipTop && depth == 0) {
					stack = stack[:len(stack)-1]
				}
				if _, err := w.Write([]byte{0}); err != nil {
					return err
				}
				continue
			}
			mode, size, name, err := parseRecord(line)
			if err != nil {
				return err
			}
			rel := filepath.Join(append(append([]string{}, stack...), name)...)
			switch line[0] {
			case 'D':
				depth++
				if skipTop && depth == 1 {
					// src/ : its contents go straight into dst.
					if _, err := w.Write([]byte{0}); err != nil {
						return err
					}
					continue
				}
				stack = append(stack, name)
				if !transfer.Excluded(rel, exclude) {
					if err := os.MkdirAll(filepath.Join(dst, rel), mode|0o700); err != nil {
						return err
					}
				}
				if _, err := w.Write([]byte{0}); err != nil {
					return err
				}
			case 'C':
				var out io.Writer = io.Discard
				var f *os.File
				if !transfer.Excluded(rel, exclude) {
					if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
						return err
					}
					f, err = os.OpenFile(filepath.Join(dst, rel), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
					if err != nil {
						return err
					}
					out = f
				}
				err := scpReceiveData(w, r, out, size)
				if f != nil {
					if cerr := f.Close(); err == nil {
						err = cerr
					}
				}
				if err != nil {
					return err
				}
			default:
				return fmt.Errorf("unexpected scp record %q", line)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	return nil
}
