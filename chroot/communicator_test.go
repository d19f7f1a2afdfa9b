//go:build linux

package chroot_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
)

// newRoot returns a busybox root filesystem in a fresh directory.
func newRoot(t *testing.T) string {
	t.Helper()
	testenv.RequireRoot(t)
	root := filepath.Join(t.TempDir(), "root")
	chroottest.BusyboxRoot(t, root)
	chroottest.CleanupMounts(t, root)
	return root
}

// run runs command through comm and returns its status and output.
func run(t *testing.T, comm sdk.Communicator, command, stdin string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	rc := &sdk.RemoteCmd{Command: command, Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr}
	if err := comm.Start(t.Context(), rc); err != nil {
		t.Fatalf("Start(%q): %v", command, err)
	}
	return rc.Wait(), stdout.String(), stderr.String()
}

func TestCommunicatorStart(t *testing.T) {
	root := newRoot(t)
	var wrapped []string
	comm := &chroot.Communicator{Chroot: root, CmdWrapper: func(c string) (string, error) {
		wrapped = append(wrapped, c)
		return "env KILN_WRAPPED=yes " + c, nil
	}}

	// The command sees the chroot as /, with the busybox shell.
	status, out, _ := run(t, comm, "cat /etc/hostname; readlink /bin/sh; echo $KILN_WRAPPED", "")
	if status != 0 || out != "kiln-test\nbusybox\nyes\n" {
		t.Errorf("status %d, output %q", status, out)
	}
	if len(wrapped) != 1 || !strings.HasPrefix(wrapped[0], "chroot '"+root+"' /bin/sh -c ") {
		t.Errorf("wrapper saw %q", wrapped)
	}

	status, out, errOut := run(t, comm, "read x; echo got $x; echo oops >&2; exit 3", "line\n")
	if status != 3 || out != "got line\n" || errOut != "oops\n" {
		t.Errorf("status %d, stdout %q, stderr %q; want 3, \"got line\\n\", \"oops\\n\"", status, out, errOut)
	}

	// Quotes in the command survive the chroot and the wrapper.
	status, out, _ = run(t, comm, `echo "it's" 'a "test"'`, "")
	if status != 0 || out != "it's a \"test\"\n" {
		t.Errorf("quoting: status %d, output %q", status, out)
	}
}

func TestCommunicatorKillsWhatACommandLeaves(t *testing.T) {
	root := newRoot(t)
	comm := &chroot.Communicator{Chroot: root}
	const bg = "sleep 1000 >/dev/null 2>&1 </dev/null & kill -0 $! && echo started"
	status, out, errOut := run(t, comm, bg, "")
	if status != 0 || out != "started\n" {
		t.Fatalf("status %d, output %q %q", status, out, errOut)
	}
	// The command was the first process of its PID namespace: its end
	// took the background sleep with it.
	pids, err := chroot.ProcessesIn(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(pids) != 0 {
		t.Errorf("processes left in the chroot: %v", pids)
	}

	// Shared namespaces leave the sleep running until KillProcesses.
	shared := &chroot.Communicator{Chroot: root, ShareNamespaces: true}
	if status, out, errOut := run(t, shared, bg, ""); status != 0 || out != "started\n" {
		t.Fatalf("status %d, output %q %q", status, out, errOut)
	}
	pids, err = chroot.ProcessesIn(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(pids) != 1 {
		t.Fatalf("processes in the chroot = %v; want the one sleep", pids)
	}
	n, err := chroot.KillProcesses(t.Context(), root)
	if err != nil || n != 1 {
		t.Fatalf("KillProcesses = %d, %v; want 1, nil", n, err)
	}
	chroottest.AssertClean(t, root)
}

func TestCommunicatorStopsOnCancel(t *testing.T) {
	root := newRoot(t)
	comm := &chroot.Communicator{Chroot: root}
	ctx, cancel := context.WithCancel(t.Context())
	rc := &sdk.RemoteCmd{Command: "sleep 1000"}
	if err := comm.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	cancel()
	if status := rc.Wait(); status == 0 {
		t.Errorf("a cancelled command exited 0")
	}
	chroottest.AssertClean(t, root)
}

func TestCommunicatorFiles(t *testing.T) {
	root := newRoot(t)
	comm := &chroot.Communicator{Chroot: root}
	ctx := t.Context()

	// A link in the image pointing at a host path stays inside the chroot.
	hostDir := t.TempDir()
	if err := os.Symlink(hostDir, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := comm.Upload(ctx, "/escape/new/file.txt", strings.NewReader("hello\n"), nil); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(hostDir); len(entries) != 0 {
		t.Fatalf("upload through a link wrote to the host: %v", entries)
	}
	if b, err := os.ReadFile(filepath.Join(root, hostDir, "new/file.txt")); err != nil || string(b) != "hello\n" {
		t.Fatalf("uploaded file inside the chroot: %q, %v", b, err)
	}
	var got bytes.Buffer
	if err := comm.Download(ctx, "/escape/new/file.txt", &got); err != nil || got.String() != "hello\n" {
		t.Fatalf("Download = %q, %v", got.String(), err)
	}

	// Upload keeps the mode it is given; the command sees the file.
	fi := fakeInfo{mode: 0o755}
	if err := comm.Upload(ctx, "/tmp/script.sh", strings.NewReader("#!/bin/sh\necho ran $1\n"), fi); err != nil {
		t.Fatal(err)
	}
	if status, out, _ := run(t, comm, "/tmp/script.sh x", ""); status != 0 || out != "ran x\n" {
		t.Errorf("script: status %d, output %q", status, out)
	}

	// UploadDir: without a trailing slash the directory itself goes.
	src := t.TempDir()
	for name, content := range map[string]string{"a.txt": "a", "sub/b.txt": "b", "skip.log": "no"} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	if err := comm.UploadDir(ctx, "/opt", src, []string{"*.log"}); err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(src)
	status, out, _ := run(t, comm, "cd /opt/"+base+" && cat a.txt sub/b.txt && readlink link && ls", "")
	if status != 0 || out != "aba.txt\na.txt\nlink\nsub\n" {
		t.Errorf("after UploadDir: status %d, output %q", status, out)
	}
	if err := comm.UploadDir(ctx, "/srv", src+"/", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "srv/sub/b.txt")); err != nil {
		t.Errorf("UploadDir with a trailing slash: %v", err)
	}

	// DownloadDir brings the tree back.
	dst := t.TempDir()
	if err := comm.DownloadDir(ctx, "/opt/"+base, dst, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, base, "sub/b.txt")); err != nil || string(b) != "b" {
		t.Errorf("downloaded sub/b.txt = %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dst, base, "a.txt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("downloaded a.txt: %v, %v; want mode 0600", fi, err)
	}
}

type fakeInfo struct {
	os.FileInfo
	mode os.FileMode
}

func (f fakeInfo) Mode() os.FileMode { return f.mode }
