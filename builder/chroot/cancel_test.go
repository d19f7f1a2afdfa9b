//go:build linux

package chroot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/sdk"
)

// childEnv, when set, makes the test binary a kiln-like process that runs
// one chroot build (configured by the JSON in childEnv) until SIGINT.
const childEnv = "KILN_CHROOT_TEST_CHILD"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(childEnv); cfg != "" {
		os.Exit(runChild(cfg))
	}
	os.Exit(m.Run())
}

// runChild builds with the configuration cfg; its provision hook creates
// the file named by "ready_file" and then blocks in a command inside the
// chroot. It exits 0 when the build ended by cancellation, 1 otherwise.
func runChild(cfg string) int {
	var raw map[string]any
	if err := json.Unmarshal([]byte(cfg), &raw); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ready := raw["ready_file"].(string)
	delete(raw, "ready_file")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	b := &Builder{}
	if _, _, err := b.Prepare(raw); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_, err := b.Run(ctx, stderrUi{}, blockingHook(ready))
	fmt.Fprintln(os.Stderr, "build ended:", err)
	if errors.Is(err, context.Canceled) {
		return 0
	}
	return 1
}

// blockingHook starts a daemon-like process and a long command in the
// chroot, says so by creating ready, and waits for the command.
func blockingHook(ready string) sdk.Hook {
	return sdk.HookFunc(func(ctx context.Context, _ string, _ sdk.Ui, comm sdk.Communicator, _ any) error {
		rc := &sdk.RemoteCmd{Command: "sleep 3600 & echo started > /tmp/ready; sleep 3600"}
		if err := comm.Start(ctx, rc); err != nil {
			return err
		}
		if err := os.WriteFile(ready, nil, 0o644); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-waitCh(rc):
			return fmt.Errorf("the command ended on its own with %d", rc.ExitStatus())
		}
	})
}

type stderrUi struct{ testUi }

func (stderrUi) Say(m string)     { fmt.Fprintln(os.Stderr, "==> "+m) }
func (stderrUi) Message(m string) { fmt.Fprintln(os.Stderr, "    "+m) }
func (stderrUi) Error(m string)   { fmt.Fprintln(os.Stderr, "!!! "+m) }

// hostDev lists /dev (but the loop devices' partitions, which come and go
// with other builds on the machine).
func hostDev(t *testing.T) map[string]os.FileMode {
	t.Helper()
	entries, err := os.ReadDir("/dev")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]os.FileMode{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "loop") {
			continue
		}
		out[e.Name()] = e.Type()
	}
	return out
}

func assertDevIntact(t *testing.T, before map[string]os.FileMode) {
	t.Helper()
	after := hostDev(t)
	for name, typ := range before {
		if got, ok := after[name]; !ok || got != typ {
			t.Errorf("host /dev/%s changed: %v, present %v (was %v)", name, got, ok, typ)
		}
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("/dev/null: %v, %v", fi, err)
	}
}

// cancelConfig is a disk-backed build (so it has a loop device, a device
// mount and the chroot mounts) with its mount path outside the workspace.
func cancelConfig(t *testing.T, dir string) (map[string]any, string) {
	src := filepath.Join(t.TempDir(), "src")
	chroottest.BusyboxRoot(t, src)
	disk := chroottest.RawDisk(t, src, 32, true)
	mountPath := filepath.Join(dir, "mnt")
	return map[string]any{
		"source":      disk,
		"mount_path":  mountPath,
		"output_path": filepath.Join(dir, "out"),
	}, mountPath
}

func TestCancelDuringProvisioning(t *testing.T) {
	requireRoot(t)
	dev := hostDev(t)
	dir := outDir(t)
	cfg, mountPath := cancelConfig(t, dir)
	b := prepare(t, cfg)

	ready := filepath.Join(t.TempDir(), "ready")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(ready); err == nil {
				// Provisioning runs, with everything mounted.
				cancel()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_, err := b.Run(ctx, testUi{t}, blockingHook(ready))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v; want context.Canceled", err)
	}
	if _, err := os.Stat(ready); err != nil {
		t.Fatal("the build was not cancelled during provisioning")
	}
	chroottest.AssertClean(t, dir)
	if _, err := os.Stat(mountPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("mount path left behind: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output written by a cancelled build: %v", err)
	}
	assertDevIntact(t, dev)
}

func TestSIGINTDuringProvisioning(t *testing.T) {
	requireRoot(t)
	dev := hostDev(t)
	dir := outDir(t)
	cfg, mountPath := cancelConfig(t, dir)
	ready := filepath.Join(t.TempDir(), "ready")
	cfg["ready_file"] = ready
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}

	var out strings.Builder
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"="+string(js))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	}()

	// Wait for provisioning (a hung child fails the test, not the run).
	deadline := time.After(2 * time.Minute)
waitReady:
	for {
		select {
		case err := <-done:
			t.Fatalf("the build ended before provisioning: %v\n%s", err, out.String())
		case <-deadline:
			t.Fatalf("provisioning did not start\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
			if _, err := os.Stat(ready); err == nil {
				break waitReady
			}
		}
	}
	if ms, _ := chroottest.MountsOf(mountPath); ms < 2 {
		t.Fatalf("only %d mounts at %s during provisioning", ms, mountPath)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the interrupted build exited with %v (want 0: cancelled)\n%s", err, out.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("the interrupted build did not end\n%s", out.String())
	}
	t.Log(out.String())
	chroottest.AssertClean(t, dir)
	if _, err := os.Stat(mountPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("mount path left behind: %v", err)
	}
	assertDevIntact(t, dev)
}
