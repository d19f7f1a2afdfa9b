package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// Communicator runs commands in, and moves files to and from, a running
// container through the Engine API.
//
// Unlike Packer's docker communicator, commands are not serialised: each
// one is its own exec instance with its own output streams and exit code,
// so concurrent commands cannot mix up their results. Files travel as tar
// streams through the container archive endpoints, written as they are
// read: nothing is staged on the host or in the container. With
// FixUploadOwner the uploaded entries carry the owner in their tar headers,
// so no `chown -R` runs after each upload (and nothing else under the
// destination changes owner, where Packer's chown -R of the destination
// directory would).
type Communicator struct {
	Driver      Driver
	ContainerID string
	// ExecUser runs commands as this user (`docker exec -u`); empty means
	// the container's user.
	ExecUser string
	// Tty allocates a terminal for commands (the undocumented `pty`
	// option); their stderr is then merged into stdout.
	Tty bool
	// FixUploadOwner makes uploaded files belong to the user commands run
	// as, instead of root.
	FixUploadOwner bool
	// HostDir is a host folder the container has mounted at
	// ContainerDir (the build's temporary folder at container_dir); small
	// uploads go through it when set.
	HostDir, ContainerDir string

	ownerMu sync.Mutex
	owner   *owner

	rootMu sync.Mutex
	root   *bool

	sessMu sync.Mutex
	sess   *session
	// noSession is set once a session failed to start: commands then
	// each get an exec of their own.
	noSession bool
}

var _ sdk.Communicator = (*Communicator)(nil)

type owner struct{ uid, gid int }

// spoolLimit is how much of an upload of unknown size is held in memory to
// learn its size for the tar header; larger streams go through `cat`.
const spoolLimit = 32 << 20

// Start implements sdk.Communicator: it runs cmd.Command with /bin/sh -c
// and reports its exit status through cmd.SetExited. Commands without stdin
// run in the container's shell session (see session) when it is free, the
// others in an exec of their own.
func (c *Communicator) Start(ctx context.Context, cmd *sdk.RemoteCmd) error {
	if cmd.Stdin == nil && !c.Tty {
		if s := c.session(ctx); s != nil && s.tryStart(ctx, cmd) {
			return nil
		}
	}
	started := make(chan struct{})
	done := make(chan error, 1)
	spec := ExecSpec{
		Cmd:     []string{"/bin/sh", "-c", cmd.Command},
		User:    c.ExecUser,
		Tty:     c.Tty,
		Stdin:   cmd.Stdin,
		Stdout:  cmd.Stdout,
		Stderr:  cmd.Stderr,
		OnStart: func() { close(started) },
	}
	go func() {
		code, err := c.Driver.Exec(ctx, c.ContainerID, spec)
		select {
		case <-started:
		default:
			// Failed before the command ran: Start reports it.
			done <- err
			if err == nil {
				cmd.SetExited(code)
			}
			return
		}
		if err != nil {
			// Cut short by the build's cancellation: the build says so,
			// the command's output needs no error line.
			if cmd.Stderr != nil && ctx.Err() == nil {
				fmt.Fprintf(cmd.Stderr, "kiln: %v\n", err)
			}
			cmd.SetExited(sdk.CmdDisconnect)
			return
		}
		cmd.SetExited(code)
	}()
	select {
	case <-started:
		return nil
	case err := <-done:
		if err != nil {
			return fmt.Errorf("run %q in container %s: %w", cmd.Command, shortID(c.ContainerID), err)
		}
		return nil
	}
}

// session returns the running shell session, starting one if needed, or
// nil when none can be started (the caller then uses an exec of its own,
// which reports why).
func (c *Communicator) session(ctx context.Context) *session {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	if c.sess != nil && c.sess.alive() {
		return c.sess
	}
	if c.noSession {
		return nil
	}
	s, err := startSession(ctx, c.Driver, c.ContainerID, c.ExecUser)
	if err != nil {
		c.sess = nil
		c.noSession = ctx.Err() == nil
		return nil
	}
	c.sess = s
	return s
}

// run runs a command and returns its stdout, failing on a non-zero exit.
// As the exec user and without stdin, it runs in the shell session.
func (c *Communicator) run(ctx context.Context, user string, stdin io.Reader, args ...string) (string, error) {
	var out, errb bytes.Buffer
	var code int
	if user == c.ExecUser && stdin == nil && !c.Tty {
		quoted := make([]string, len(args))
		for i, a := range args {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		cmd := &sdk.RemoteCmd{Command: strings.Join(quoted, " "), Stdout: &out, Stderr: &errb}
		if err := c.Start(ctx, cmd); err != nil {
			return "", err
		}
		code = cmd.Wait()
		if code == sdk.CmdDisconnect {
			return "", fmt.Errorf("%s: %s", strings.Join(args, " "), strings.TrimSpace(errb.String()))
		}
	} else {
		var err error
		code, err = c.Driver.Exec(ctx, c.ContainerID, ExecSpec{Cmd: args, User: user, Stdin: stdin, Stdout: &out, Stderr: &errb})
		if err != nil {
			return "", err
		}
	}
	if code != 0 {
		return "", fmt.Errorf("%s exited with status %d: %s", strings.Join(args, " "), code, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// uploadOwner returns the owner uploaded files get, and whether to set it.
func (c *Communicator) uploadOwner(ctx context.Context) (owner, bool, error) {
	if !c.FixUploadOwner {
		return owner{}, false, nil
	}
	c.ownerMu.Lock()
	defer c.ownerMu.Unlock()
	if c.owner != nil {
		return *c.owner, true, nil
	}
	user := c.ExecUser
	if user == "" {
		info, err := c.Driver.InspectContainer(ctx, c.ContainerID)
		if err != nil {
			return owner{}, false, err
		}
		user = info.User
	}
	o := owner{}
	switch user {
	case "", "root", "0", "0:0", "root:root":
	default:
		if uid, gid, ok := numericUser(user); ok {
			o = owner{uid, gid}
			break
		}
		out, err := c.run(ctx, c.ExecUser, nil, "/bin/sh", "-c", "id -u && id -g")
		if err != nil {
			return owner{}, false, fmt.Errorf("find the uid and gid of user %q: %w", user, err)
		}
		f := strings.Fields(out)
		if len(f) != 2 {
			return owner{}, false, fmt.Errorf("find the uid and gid of user %q: unexpected output %q", user, out)
		}
		uid, err1 := strconv.Atoi(f[0])
		gid, err2 := strconv.Atoi(f[1])
		if err := errors.Join(err1, err2); err != nil {
			return owner{}, false, fmt.Errorf("find the uid and gid of user %q: %w", user, err)
		}
		o = owner{uid, gid}
	}
	c.owner = &o
	return o, true, nil
}

// numericUser parses "uid:gid".
func numericUser(s string) (int, int, bool) {
	u, g, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, false
	}
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	return uid, gid, err1 == nil && err2 == nil
}

// containerPath makes p absolute: relative container paths are relative to
// the root, as for `docker cp`.
func containerPath(p string) string {
	if !path.IsAbs(p) {
		p = "/" + p
	}
	return path.Clean(p)
}

// Upload implements sdk.Communicator. The file is streamed as a one-entry
// tar archive into the destination's directory.
func (c *Communicator) Upload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error {
	if strings.HasSuffix(dst, "/") {
		return fmt.Errorf("upload to %s: destination is a directory; name the file", dst)
	}
	dst = containerPath(dst)
	own, chown, err := c.uploadOwner(ctx)
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     path.Base(dst),
		Mode:     0o644,
		ModTime:  time.Now(),
		Format:   tar.FormatPAX,
	}
	if chown {
		hdr.Uid, hdr.Gid = own.uid, own.gid
	}
	if fi != nil && fi.Mode().IsRegular() {
		hdr.Size = fi.Size()
		hdr.Mode = int64(fi.Mode().Perm())
		hdr.ModTime = fi.ModTime()
	} else {
		// The size must be known before the data: hold a small stream in
		// memory, and send a large one through the exec's stdin.
		buf, err := io.ReadAll(io.LimitReader(r, spoolLimit+1))
		if err != nil {
			return fmt.Errorf("upload %s: read source: %w", dst, err)
		}
		if len(buf) > spoolLimit {
			return c.uploadStream(ctx, dst, io.MultiReader(bytes.NewReader(buf), r), own, chown)
		}
		hdr.Size = int64(len(buf))
		r = bytes.NewReader(buf)
	}
	if hdr.Size <= mountUploadLimit && c.HostDir != "" {
		data := make([]byte, hdr.Size)
		if _, err := io.ReadFull(r, data); err != nil {
			return fmt.Errorf("upload %s: read source: %w", dst, err)
		}
		if c.uploadThroughMount(ctx, dst, data, hdr) {
			return nil
		}
		r = bytes.NewReader(data)
	}
	archive, err := singleFileTar(hdr, r)
	if err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	if err := c.Driver.CopyTo(ctx, c.ContainerID, path.Dir(dst), archive); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	return nil
}

// mountUploadLimit is the largest file uploadThroughMount handles: small
// files only, so that no large file is ever copied twice.
const mountUploadLimit = 256 << 10

// mountUploadScript replaces the file "$1" with a copy of "$2", owned by
// "$3" with mode "$4" and the mtime of "$2", as the archive endpoint would
// (a symlink at "$1" is replaced, not followed; a directory is an error).
const mountUploadScript = `if [ -d "$1" ] && [ ! -L "$1" ]; then echo "$1: is a directory" >&2; exit 1; fi; ` +
	`rm -f -- "$1" && cp -- "$2" "$1" && chown "$3" "$1" && chmod "$4" "$1" && touch -r "$2" "$1"`

// uploadThroughMount uploads a small file through the build's temporary
// folder, which the container has mounted at container_dir: the file is
// written on the host and moved into place by a command in the shell
// session. An upload through the archive endpoint costs the engine a
// process spawn (tens of milliseconds, once per shell provisioner block);
// this costs a few milliseconds. It is only tried when commands run as
// root (so ownership comes out as with the archive endpoint), and reports
// false, for the archive endpoint to be used, when anything does not work
// (no cp in the image, a folder the container cannot read, ...).
func (c *Communicator) uploadThroughMount(ctx context.Context, dst string, data []byte, hdr *tar.Header) bool {
	if c.Tty || c.ContainerDir == "" || !c.runsAsRoot(ctx) {
		return false
	}
	token, err := newToken()
	if err != nil {
		return false
	}
	name := "upload-" + token[:16]
	host := filepath.Join(c.HostDir, name)
	if err := os.WriteFile(host, data, 0o600); err != nil {
		return false
	}
	defer os.Remove(host)
	if err := os.Chtimes(host, hdr.ModTime, hdr.ModTime); err != nil {
		return false
	}
	_, err = c.run(ctx, c.ExecUser, nil, "/bin/sh", "-c", mountUploadScript, "sh",
		dst, path.Join(c.ContainerDir, name), fmt.Sprintf("%d:%d", hdr.Uid, hdr.Gid), fmt.Sprintf("%o", hdr.Mode&0o7777))
	return err == nil
}

// runsAsRoot reports whether commands run as root in the container (asked
// once).
func (c *Communicator) runsAsRoot(ctx context.Context) bool {
	c.rootMu.Lock()
	defer c.rootMu.Unlock()
	if c.root == nil {
		switch c.ExecUser {
		case "", "root", "0", "0:0", "root:root":
			out, err := c.run(ctx, c.ExecUser, nil, "id", "-u")
			root := err == nil && strings.TrimSpace(out) == "0"
			c.root = &root
		default:
			root := false
			c.root = &root
		}
	}
	return *c.root
}

// uploadStream writes a stream of unknown size to dst with `cat`.
func (c *Communicator) uploadStream(ctx context.Context, dst string, r io.Reader, own owner, chown bool) error {
	script := `cat > "$1"`
	if chown {
		script += fmt.Sprintf(` && chown %d:%d "$1"`, own.uid, own.gid)
	}
	if _, err := c.run(ctx, "root", r, "/bin/sh", "-c", script, "sh", dst); err != nil {
		return fmt.Errorf("upload %s: %w", dst, err)
	}
	return nil
}

// UploadDir implements sdk.Communicator with `docker cp` semantics, as
// Packer: a src ending in "/" has its contents copied into dst; otherwise
// the directory is copied into dst when dst is an existing directory, or
// becomes dst when dst does not exist. The whole tree is one tar stream.
func (c *Communicator) UploadDir(ctx context.Context, dst string, src string, exclude []string) error {
	contents := strings.HasSuffix(src, "/") || strings.HasSuffix(src, "/.")
	srcDir := filepath.Clean(src)
	fi, err := os.Stat(srcDir)
	if err != nil {
		return fmt.Errorf("upload directory %s: %w", src, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("upload directory %s: not a directory", src)
	}
	dst = containerPath(dst)
	exists := false
	st, err := c.Driver.StatPath(ctx, c.ContainerID, dst)
	switch {
	case err == nil:
		exists = st.Mode.IsDir()
		if !exists {
			return fmt.Errorf("upload directory %s to %s: destination exists and is not a directory", src, dst)
		}
	case !IsNotFound(err):
		return fmt.Errorf("upload directory %s to %s: %w", src, dst, err)
	}
	var extractDir, prefix string
	switch {
	case exists && contents:
		extractDir, prefix = dst, ""
	case exists:
		extractDir, prefix = dst, filepath.Base(srcDir)
	default:
		extractDir, prefix = path.Dir(dst), path.Base(dst)
	}
	own, chown, err := c.uploadOwner(ctx)
	if err != nil {
		return fmt.Errorf("upload directory %s: %w", src, err)
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeTree(pw, srcDir, prefix, exclude, own, chown))
	}()
	err = c.Driver.CopyTo(ctx, c.ContainerID, extractDir, pr)
	pr.CloseWithError(err)
	if err != nil {
		return fmt.Errorf("upload directory %s to %s: %w", src, dst, err)
	}
	return nil
}

// writeTree writes the tree at dir as a tar stream whose entries are
// prefixed with prefix (the root itself is an entry when prefix is set).
func writeTree(w io.Writer, dir, prefix string, exclude []string, own owner, chown bool) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && excluded(rel, exclude) {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		name := path.Join(prefix, rel)
		if name == "." || name == "" {
			return nil
		}
		return addTarEntry(tw, p, name, own.uid, own.gid, chown)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// excluded reports whether the slash-separated relative path rel matches
// one of the patterns, as a whole or by its base name.
func excluded(rel string, patterns []string) bool {
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

// Download implements sdk.Communicator: the file is read out of the
// container's tar stream straight into w. A symlink is followed.
func (c *Communicator) Download(ctx context.Context, src string, w io.Writer) error {
	src = containerPath(src)
	for range 8 {
		rc, st, err := c.Driver.CopyFrom(ctx, c.ContainerID, src)
		if err != nil {
			return fmt.Errorf("download %s: %w", src, err)
		}
		if st.Mode&fs.ModeSymlink != 0 && st.LinkTarget != "" {
			rc.Close()
			src = containerPath(st.LinkTarget)
			continue
		}
		err = copyFirstFile(rc, w, src)
		rc.Close()
		return err
	}
	return fmt.Errorf("download %s: too many levels of symbolic links", src)
}

func copyFirstFile(r io.Reader, w io.Writer, src string) error {
	tr := tar.NewReader(r)
	hdr, err := tr.Next()
	if err != nil {
		return fmt.Errorf("download %s: read archive: %w", src, err)
	}
	switch hdr.Typeflag {
	case tar.TypeReg:
	case tar.TypeDir:
		return fmt.Errorf("download %s: is a directory", src)
	default:
		return fmt.Errorf("download %s: not a regular file", src)
	}
	if _, err := io.Copy(w, tr); err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	return nil
}

// DownloadDir implements sdk.Communicator (Packer's docker communicator
// does not), with the rule of kiln's other communicators: the container
// directory src lands in the local directory dst as dst/<name>, or, when
// src ends in "/", its contents do; a src with a glob (*?[) copies every
// match into dst. dst is created. Entries matching exclude are skipped;
// entries that would land outside dst are refused.
func (c *Communicator) DownloadDir(ctx context.Context, src string, dst string, exclude []string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("download directory %s: %w", src, err)
	}
	if strings.ContainsAny(src, "*?[") {
		matches, err := c.glob(ctx, containerPath(src))
		if err != nil {
			return fmt.Errorf("download %s: %w", src, err)
		}
		if len(matches) == 0 {
			return fmt.Errorf("download %s: no file matches", src)
		}
		for _, m := range matches {
			if err := c.downloadTree(ctx, m, filepath.Join(dst, path.Base(m)), false, exclude); err != nil {
				return err
			}
		}
		return nil
	}
	contents := strings.HasSuffix(src, "/")
	src = containerPath(src)
	target := dst
	if !contents {
		target = filepath.Join(dst, path.Base(src))
	}
	return c.downloadTree(ctx, src, target, contents, exclude)
}

// downloadTree copies the container file or tree src to the local path
// dst (a directory's contents go into dst). With follow, a symlink src is
// followed to what it points to.
func (c *Communicator) downloadTree(ctx context.Context, src, dst string, follow bool, exclude []string) error {
	for range 8 {
		rc, st, err := c.Driver.CopyFrom(ctx, c.ContainerID, src)
		if err != nil {
			return fmt.Errorf("download directory %s: %w", src, err)
		}
		if follow && st.Mode&fs.ModeSymlink != 0 && st.LinkTarget != "" {
			rc.Close()
			src = containerPath(st.LinkTarget)
			continue
		}
		err = extractTree(rc, dst, exclude)
		rc.Close()
		if err != nil {
			return fmt.Errorf("download directory %s to %s: %w", src, dst, err)
		}
		return nil
	}
	return fmt.Errorf("download directory %s: too many levels of symbolic links", src)
}

// glob returns the container paths that match pattern (path.Match syntax
// in each element; "*" also matches names that begin with a dot), sorted.
func (c *Communicator) glob(ctx context.Context, pattern string) ([]string, error) {
	paths := []string{"/"}
	for _, elem := range strings.Split(strings.Trim(pattern, "/"), "/") {
		if _, err := path.Match(elem, ""); err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", pattern, err)
		}
		var next []string
		for _, dir := range paths {
			if !strings.ContainsAny(elem, "*?[") {
				p := path.Join(dir, elem)
				if _, err := c.Driver.StatPath(ctx, c.ContainerID, p); err == nil {
					next = append(next, p)
				} else if !IsNotFound(err) {
					return nil, err
				}
				continue
			}
			names, err := c.list(ctx, dir)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				if ok, _ := path.Match(elem, n); ok {
					next = append(next, path.Join(dir, n))
				}
			}
		}
		paths = next
	}
	slices.Sort(paths)
	return paths, nil
}

// listScript prints the names in the directory "$1", each followed by a
// NUL byte; a directory that cannot be listed lists nothing.
const listScript = `cd -- "$1" 2>/dev/null || exit 0; for f in * .[!.]* ..?*; do ` +
	`if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done`

// list returns the names in the container directory dir.
func (c *Communicator) list(ctx context.Context, dir string) ([]string, error) {
	out, err := c.run(ctx, c.ExecUser, nil, "/bin/sh", "-c", listScript, "sh", dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for n := range strings.SplitSeq(out, "\x00") {
		if n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}

// extractTree extracts the tar stream r, whose entries are under one top
// entry, into dst: a directory's contents go into dst; a file (or symlink)
// becomes dst.
func extractTree(r io.Reader, dst string, exclude []string) error {
	tr := tar.NewReader(r)
	top, err := tr.Next()
	if err != nil {
		return fmt.Errorf("read archive: %w", err)
	}
	switch top.Typeflag {
	case tar.TypeDir:
	case tar.TypeReg:
		return writeFile(tr, dst, top)
	case tar.TypeSymlink:
		_ = os.Remove(dst)
		return os.Symlink(top.Linkname, dst)
	default:
		return fmt.Errorf("%s: not a regular file, directory or symlink", top.Name)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()
	type dirTime struct {
		name string
		t    time.Time
	}
	dirs := []dirTime{}
	defer func() {
		for i := len(dirs) - 1; i >= 0; i-- {
			_ = root.Chtimes(dirs[i].name, dirs[i].t, dirs[i].t)
		}
	}()
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		// Drop the top directory ("name/" or "./").
		_, rel, _ := strings.Cut(strings.TrimPrefix(hdr.Name, "./"), "/")
		rel = strings.TrimSuffix(rel, "/")
		if rel == "" || rel == "." {
			continue
		}
		if !fs.ValidPath(rel) {
			return fmt.Errorf("archive entry %q escapes the destination", hdr.Name)
		}
		if excluded(rel, exclude) {
			continue
		}
		name := filepath.FromSlash(rel)
		mode := fs.FileMode(hdr.Mode).Perm()
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o755); err != nil {
				return err
			}
			if err := root.Chmod(name, mode); err != nil {
				return err
			}
			dirs = append(dirs, dirTime{name, hdr.ModTime})
		case tar.TypeReg:
			_ = root.Remove(name)
			f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := root.Chmod(name, mode); err != nil {
				return err
			}
			_ = root.Chtimes(name, hdr.ModTime, hdr.ModTime)
		case tar.TypeSymlink:
			_ = root.Remove(name)
			if err := root.Symlink(hdr.Linkname, name); err != nil {
				return err
			}
		case tar.TypeLink:
			_, lrel, _ := strings.Cut(strings.TrimPrefix(hdr.Linkname, "./"), "/")
			if !fs.ValidPath(lrel) {
				return fmt.Errorf("archive entry %q links outside the destination", hdr.Name)
			}
			_ = root.Remove(name)
			if err := root.Link(filepath.FromSlash(lrel), name); err != nil {
				return err
			}
		default:
			// Devices, fifos: not something a download can recreate.
			continue
		}
	}
	return nil
}

// writeFile writes the current entry of tr to the local file dst.
func writeFile(tr *tar.Reader, dst string, hdr *tar.Header) error {
	mode := fs.FileMode(hdr.Mode).Perm()
	_ = os.Remove(dst)
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, tr)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	_ = os.Chtimes(dst, hdr.ModTime, hdr.ModTime)
	return os.Chmod(dst, mode)
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
