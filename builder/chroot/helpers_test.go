//go:build linux

package chroot

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
)

// testUi logs to t.
type testUi struct{ t testing.TB }

func (u testUi) Ask(string) (string, error) { return "", io.EOF }
func (u testUi) Say(m string)               { u.t.Log("==> " + m) }
func (u testUi) Message(m string)           { u.t.Log("    " + m) }
func (u testUi) Error(m string)             { u.t.Log("!!! " + m) }
func (u testUi) Machine(string, ...string)  {}
func (u testUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser {
	return s
}

// prepare returns a builder prepared with cfg, failing t on errors.
func prepare(t testing.TB, cfg map[string]any) *Builder {
	t.Helper()
	b := &Builder{}
	if _, _, err := b.Prepare(cfg); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return b
}

// outDir returns a directory for a build's output that the test checks
// is left clean (no workspace, mount, loop device or process).
func outDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	chroottest.CleanupMounts(t, dir)
	t.Cleanup(func() {
		chroottest.AssertClean(t, dir)
		matches, _ := filepath.Glob(filepath.Join(dir, ".kiln-chroot-*"))
		if len(matches) > 0 {
			t.Errorf("workspace left behind: %v", matches)
		}
	})
	return dir
}

// runCmd runs command through comm and returns its output; a non-zero
// exit is an error.
func runCmd(ctx context.Context, comm sdk.Communicator, command string) (string, error) {
	var out, errOut bytes.Buffer
	rc := &sdk.RemoteCmd{Command: command, Stdout: &out, Stderr: &errOut}
	if err := comm.Start(ctx, rc); err != nil {
		return "", err
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-waitCh(rc):
	}
	if s := rc.ExitStatus(); s != 0 {
		return out.String(), &exitError{command, s, errOut.String()}
	}
	return out.String(), nil
}

func waitCh(rc *sdk.RemoteCmd) <-chan struct{} {
	ch := make(chan struct{})
	go func() { rc.Wait(); close(ch) }()
	return ch
}

type exitError struct {
	command string
	status  int
	stderr  string
}

func (e *exitError) Error() string {
	return e.command + ": exit " + string(rune('0'+e.status%10)) + ": " + e.stderr
}

// provisionHook is a provision hook standing in for the shell and file
// provisioners: it uploads a file, runs a command that uses it, and
// downloads the command's result, checking the generated data on the way.
func provisionHook(t *testing.T) sdk.Hook {
	return sdk.HookFunc(func(ctx context.Context, name string, ui sdk.Ui, comm sdk.Communicator, data any) error {
		t.Helper()
		gen := data.(map[string]any)
		if mp, _ := gen[GenMountPath].(string); mp == "" || gen[sdk.GenConnType] != "chroot" {
			t.Errorf("generated data: %v", gen)
		}
		if err := comm.Upload(ctx, "/root/greeting", strings.NewReader("hello from the host\n"), nil); err != nil {
			return err
		}
		if _, err := runCmd(ctx, comm, "cat /root/greeting > /etc/provisioned && echo done >> /etc/provisioned && rm /root/greeting"); err != nil {
			return err
		}
		var got bytes.Buffer
		if err := comm.Download(ctx, "/etc/provisioned", &got); err != nil {
			return err
		}
		if got.String() != provisioned {
			t.Errorf("downloaded %q; want %q", got.String(), provisioned)
		}
		return nil
	})
}

// provisioned is what provisionHook leaves in /etc/provisioned.
const provisioned = "hello from the host\ndone\n"

func requireRoot(t *testing.T) {
	t.Helper()
	testenv.RequireRoot(t)
	chroottest.RequireTools(t, "tar", "losetup", "partx", "mount")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
