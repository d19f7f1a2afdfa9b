package docker

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// countingDriver counts the execs it passes on.
type countingDriver struct {
	Driver
	execs atomic.Int32
}

func (d *countingDriver) Exec(ctx context.Context, id string, spec ExecSpec) (int, error) {
	d.execs.Add(1)
	return d.Driver.Exec(ctx, id, spec)
}

func TestEngineSession(t *testing.T) {
	d := engine(t)
	base := startContainer(t, d)
	cd := &countingDriver{Driver: d}
	c := &Communicator{Driver: cd, ContainerID: base.ContainerID}

	for _, tc := range []struct {
		cmd, out, errOut string
		code             int
	}{
		{"echo out; echo err >&2; exit 3", "out\n", "err\n", 3},
		{"printf 'no newline'", "no newline", "", 0},
		{`printf '%s|' 'a b' "c\"d" 'e\f' "$((6*7))" é; echo`, `a b|c"d|e\f|42|é|` + "\n", "", 0},
		{"cat <<'EOF'\nline 1\n  line 2\nEOF\n", "line 1\n  line 2\n", "", 0},
		{"read x; echo \"read: $? [$x]\"", "read: 1 []\n", "", 0}, // stdin is empty
		// The session's shell notes the signal, as an interactive one would.
		{"kill -TERM $$", "", "Terminated\n", 143},
		{"echo $0", "/bin/sh\n", "", 0},
		// A background process holding stdout does not hold up the command.
		{"sleep 30 & echo early", "early\n", "", 0},
		{"echo next", "next\n", "", 0},
	} {
		out, errOut, code := run(t, c, tc.cmd, nil)
		if out != tc.out || errOut != tc.errOut || code != tc.code {
			t.Errorf("%q: stdout %q, stderr %q, status %d; want %q, %q, %d", tc.cmd, out, errOut, code, tc.out, tc.errOut, tc.code)
		}
	}
	if n := cd.execs.Load(); n != 1 {
		t.Errorf("%d execs, want 1: the commands should share one session", n)
	}

	// A command that kills the session's shell disconnects; the next
	// command gets a new session.
	_, errOut, code := run(t, c, "kill -KILL $PPID; sleep 5", nil)
	if code != sdk.CmdDisconnect || !strings.Contains(errOut, "kiln:") {
		t.Errorf("killing the session: status %d, stderr %q; want CmdDisconnect", code, errOut)
	}
	if out, _, code := run(t, c, "echo again", nil); out != "again\n" || code != 0 {
		t.Errorf("after a killed session: %q, %d", out, code)
	}
	if n := cd.execs.Load(); n != 2 {
		t.Errorf("%d execs, want 2", n)
	}
}

func TestEngineSessionExecUser(t *testing.T) {
	d := engine(t)
	base := startContainer(t, d)
	c := &Communicator{Driver: d, ContainerID: base.ContainerID, ExecUser: "nobody"}
	if out, _, code := run(t, c, "id -u", nil); out != "65534\n" || code != 0 {
		t.Errorf("exec_user nobody: id -u = %q, status %d", out, code)
	}
}

// countingCopyDriver counts uploads through the archive endpoint.
type countingCopyDriver struct {
	Driver
	copies atomic.Int32
}

func (d *countingCopyDriver) CopyTo(ctx context.Context, id, dir string, r io.Reader) error {
	d.copies.Add(1)
	return d.Driver.CopyTo(ctx, id, dir, r)
}

// TestEngineUploadThroughMount checks that small uploads through the
// mounted temporary folder come out as uploads through the archive
// endpoint do: content, mode, owner, mtime, a symlink replaced and not
// followed, a folder refused; and that the archive endpoint takes over
// where the folder is not mounted or commands do not run as root.
func TestEngineUploadThroughMount(t *testing.T) {
	d := engine(t)
	host := t.TempDir()
	base := startContainer(t, d, "-v", host+":/kiln-mnt")
	cd := &countingCopyDriver{Driver: d}
	c := &Communicator{Driver: cd, ContainerID: base.ContainerID, HostDir: host, ContainerDir: "/kiln-mnt", FixUploadOwner: true, ExecUser: "root"}
	ctx := t.Context()

	src := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(src, []byte("#!/bin/sh\necho hi\n"), 0o750); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(src, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	upload := func(c *Communicator, dst string) error {
		f, err := os.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, _ := f.Stat()
		return c.Upload(ctx, dst, f, fi)
	}
	if _, _, code := run(t, c, "echo target > /tmp/target && ln -s /tmp/target /tmp/link && mkdir /tmp/dir", nil); code != 0 {
		t.Fatal("setup failed")
	}
	for _, dst := range []string{"/tmp/new.sh", "/tmp/link"} {
		if err := upload(c, dst); err != nil {
			t.Fatalf("upload %s: %v", dst, err)
		}
		out, _, _ := run(t, c, "stat -c '%F %a %u:%g %Y' "+dst+" && cat "+dst+" /tmp/target", nil)
		want := fmt.Sprintf("regular file 750 0:0 %d\n#!/bin/sh\necho hi\ntarget\n", mtime.Unix())
		if out != want {
			t.Errorf("upload to %s: got %q, want %q", dst, out, want)
		}
	}
	if err := upload(c, "/tmp/dir"); err == nil {
		t.Error("an upload onto a folder succeeded")
	}
	if n := cd.copies.Load(); n != 1 {
		t.Errorf("%d uploads through the archive endpoint, want 1 (the refused one, tried there too)", n)
	}
	ls, _, _ := run(t, c, "ls -A /kiln-mnt", nil)
	if ls != "" {
		t.Errorf("the mounted folder keeps %q", ls)
	}

	// Not mounted where the communicator is told: the archive endpoint.
	cd.copies.Store(0)
	c2 := &Communicator{Driver: cd, ContainerID: base.ContainerID, HostDir: t.TempDir(), ContainerDir: "/not-mounted"}
	if err := upload(c2, "/tmp/other.sh"); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run(t, c2, "cat /tmp/other.sh", nil); out != "#!/bin/sh\necho hi\n" || cd.copies.Load() != 1 {
		t.Errorf("unmounted folder: content %q after %d archive uploads, want the file after 1", out, cd.copies.Load())
	}
	// Commands as another user: the archive endpoint (root-owned file).
	cd.copies.Store(0)
	c3 := &Communicator{Driver: cd, ContainerID: base.ContainerID, HostDir: host, ContainerDir: "/kiln-mnt", ExecUser: "nobody"}
	if err := upload(c3, "/tmp/nobody.sh"); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run(t, c, "stat -c %u /tmp/nobody.sh", nil); out != "0\n" || cd.copies.Load() != 1 {
		t.Errorf("exec_user nobody: owner %q after %d archive uploads, want 0 after 1", out, cd.copies.Load())
	}
}
