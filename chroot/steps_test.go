//go:build linux

package chroot_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// testUi logs to t.
type testUi struct{ t *testing.T }

func (u testUi) Ask(string) (string, error)                                        { return "", os.ErrInvalid }
func (u testUi) Say(m string)                                                      { u.t.Log("==> " + m) }
func (u testUi) Message(m string)                                                  { u.t.Log("    " + m) }
func (u testUi) Error(m string)                                                    { u.t.Log("!!! " + m) }
func (u testUi) Machine(string, ...string)                                         {}
func (u testUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser { return s }

func newState(t *testing.T, mountPath string, hook sdk.HookFunc) *multistep.State {
	state := multistep.NewState()
	multistep.Put(state, commonsteps.KeyUi, sdk.Ui(testUi{t}))
	multistep.Put(state, commonsteps.KeyHook, sdk.Hook(hook))
	multistep.Put(state, chroot.KeyMountPath, mountPath)
	return state
}

// cmdOut runs command through comm and fails t unless it exits 0.
func cmdOut(ctx context.Context, t *testing.T, comm sdk.Communicator, command string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	rc := &sdk.RemoteCmd{Command: command, Stdout: &out, Stderr: &errOut}
	if err := comm.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	if s := rc.Wait(); s != 0 {
		t.Fatalf("%q exited %d: %s", command, s, errOut.String())
	}
	return out.String()
}

func TestStepsOnDirectory(t *testing.T) {
	root := newRoot(t)
	orig := "nameserver 192.0.2.1\n"
	if err := os.WriteFile(filepath.Join(root, "etc/resolv.conf"), []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	hostResolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		t.Skip("the host has no /etc/resolv.conf to copy")
	}
	devBefore := listDir(t, "/dev")

	var hooked bool
	hook := func(ctx context.Context, name string, ui sdk.Ui, comm sdk.Communicator, data any) error {
		hooked = true
		if name != sdk.HookProvision {
			t.Errorf("hook %q", name)
		}
		gen := data.(map[string]any)
		if gen[sdk.GenConnType] != "chroot" || gen[sdk.GenID] != root {
			t.Errorf("generated data: %v", gen)
		}
		// The pseudo filesystems are there: a /proc of the command's own
		// PID namespace, the host's devices, a devpts of its own.
		if got := cmdOut(ctx, t, comm, "cat /proc/1/cmdline"); !strings.Contains(got, "chroot") {
			t.Errorf("PID 1 of the command's namespace is %q; want kiln's chroot command", got)
		}
		cmdOut(ctx, t, comm, "test -c /dev/null && test -c /dev/ptmx && test -d /sys/class")
		if got := cmdOut(ctx, t, comm, "grep ' /dev/pts ' /proc/mounts"); !strings.Contains(got, "devpts") {
			t.Errorf("no devpts in the chroot: %q", got)
		}
		if got := cmdOut(ctx, t, comm, "cat /etc/resolv.conf"); got != string(hostResolv) {
			t.Errorf("resolv.conf in the chroot = %q; want the host's", got)
		}
		return nil
	}
	state := newState(t, root, hook)
	copyFiles := &chroot.StepCopyFiles{Files: append([]string{"/nonexistent/kiln-file"}, chroot.DefaultCopyFiles...)}
	mountExtra := &chroot.StepMountExtra{ChrootMounts: chroot.DefaultChrootMounts}
	var duringMounts []chroot.MountInfo
	steps := []multistep.Step{
		&chroot.StepPostMountCommands{Commands: []string{"touch {{.MountPath}}/post-mount"}},
		mountExtra,
		copyFiles,
		&chroot.StepChrootProvision{},
		stepFunc(func() { duringMounts, _ = chroot.MountsUnder(root) }),
		&chroot.StepEarlyCleanup{Cleanups: []chroot.Cleanup{copyFiles, mountExtra}},
		stepFunc(func() {
			if ms, _ := chroot.MountsUnder(root); len(ms) != 0 {
				t.Errorf("mounted after the early cleanup: %+v", ms)
			}
		}),
	}
	if err := (&multistep.BasicRunner{Steps: steps}).Run(t.Context(), state); err != nil {
		t.Fatal(err)
	}
	if !hooked {
		t.Fatal("the provision hook did not run")
	}
	if len(duringMounts) < 4 {
		t.Errorf("mounts during the build: %+v; want at least proc, sysfs, dev, devpts", duringMounts)
	}
	if _, err := os.Stat(filepath.Join(root, "post-mount")); err != nil {
		t.Errorf("post-mount command: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "etc/resolv.conf")); err != nil || string(b) != orig {
		t.Errorf("resolv.conf after the build = %q, %v; want the image's own", b, err)
	}
	chroottest.AssertClean(t, root)
	if after := listDir(t, "/dev"); !subset(devBefore, after) {
		t.Errorf("host /dev lost entries: before %v, after %v", devBefore, after)
	}
}

func TestStepsOnLoopDevice(t *testing.T) {
	src := newRoot(t)
	if err := os.WriteFile(filepath.Join(src, "etc/marker"), []byte("from disk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	disk := chroottest.RawDisk(t, src, 32, true)
	chroottest.CleanupMounts(t, filepath.Dir(disk))
	mountPath := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(mountPath, 0o755); err != nil {
		t.Fatal(err)
	}
	chroottest.CleanupMounts(t, mountPath)

	var device string
	hook := func(ctx context.Context, _ string, _ sdk.Ui, comm sdk.Communicator, data any) error {
		if got := cmdOut(ctx, t, comm, "cat /etc/marker"); got != "from disk\n" {
			t.Errorf("marker = %q", got)
		}
		cmdOut(ctx, t, comm, "echo provisioned > /etc/provisioned")
		return nil
	}
	state := newState(t, mountPath, hook)
	multistep.Put(state, chroot.KeyDiskFile, disk)
	attach := &chroot.StepAttachLoop{}
	mountDev := &chroot.StepMountDevice{Partition: 1, Options: []string{"noatime"}}
	mountExtra := &chroot.StepMountExtra{ChrootMounts: chroot.DefaultChrootMounts}
	ictx := interpolate.Context{}
	steps := []multistep.Step{
		attach,
		&chroot.StepPreMountCommands{Ctx: ictx, Commands: []string{"test -b {{.Device}}"}},
		mountDev,
		stepFunc(func() { device, _ = multistep.Get(state, chroot.KeyDevice) }),
		mountExtra,
		&chroot.StepChrootProvision{},
		&chroot.StepEarlyCleanup{Cleanups: []chroot.Cleanup{mountExtra, mountDev, attach}},
	}
	if err := (&multistep.BasicRunner{Steps: steps}).Run(t.Context(), state); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(device, "/dev/loop") {
		t.Errorf("device = %q", device)
	}
	chroottest.AssertClean(t, mountPath)
	chroottest.AssertClean(t, disk)
	// The change is on the disk.
	out := chroottest.Run(t, "debugfs", "-R", "cat /etc/provisioned", disk+"?offset=1048576")
	if !strings.Contains(out, "provisioned") {
		t.Errorf("debugfs cat /etc/provisioned: %q", out)
	}
}

func TestStepMountExtraRefusesHostPaths(t *testing.T) {
	root := newRoot(t)
	// A hostile image whose /proc links to the host's /tmp.
	if err := os.Remove(filepath.Join(root, "proc")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/tmp", filepath.Join(root, "proc")); err != nil {
		t.Fatal(err)
	}
	state := newState(t, root, nil)
	step := &chroot.StepMountExtra{ChrootMounts: [][]string{{"proc", "proc", "/proc"}, {"bind", "/dev", "/"}}}
	err := (&multistep.BasicRunner{Steps: []multistep.Step{step}}).Run(t.Context(), state)
	if err == nil || !strings.Contains(err.Error(), "over the chroot's root") {
		t.Errorf("mounting over / = %v; want a refusal", err)
	}
	// Only /tmp itself is of interest: other tests (in other packages, run
	// in parallel) may have mounts of their own below it.
	ms, _ := chroot.MountsUnder("/tmp")
	for _, m := range ms {
		if m.MountPoint == "/tmp" {
			t.Errorf("something got mounted on the host's /tmp: %+v", m)
		}
	}
	chroottest.AssertClean(t, root)
}

// stepFunc is a step running f.
type stepFunc func()

func (f stepFunc) Run(context.Context, *multistep.State) multistep.Action {
	f()
	return multistep.Continue
}
func (stepFunc) Cleanup(*multistep.State) {}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		// Loop devices' partitions come and go with other builds.
		if !strings.HasPrefix(e.Name(), "loop") {
			names = append(names, e.Name())
		}
	}
	return names
}

func subset(a, b []string) bool {
	set := map[string]bool{}
	for _, x := range b {
		set[x] = true
	}
	for _, x := range a {
		if !set[x] {
			return false
		}
	}
	return true
}

// On hosts whose /dev is a shared mount (systemd's default), a mount
// below the chroot's bind of /dev must not propagate back to the host.
func TestStepMountExtraDoesNotPropagateToTheHost(t *testing.T) {
	root := newRoot(t)
	// A stand-in for a shared host /dev.
	hostDev := filepath.Join(t.TempDir(), "dev")
	if err := os.MkdirAll(hostDev, 0o755); err != nil {
		t.Fatal(err)
	}
	chroottest.CleanupMounts(t, hostDev)
	chroottest.Run(t, "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", hostDev)
	chroottest.Run(t, "mount", "--make-shared", hostDev)
	if err := os.Mkdir(filepath.Join(hostDev, "pts"), 0o755); err != nil {
		t.Fatal(err)
	}

	state := newState(t, root, nil)
	step := &chroot.StepMountExtra{ChrootMounts: [][]string{{"bind", hostDev, "/dev"}, {"tmpfs", "tmpfs", "/dev/pts", "size=1m"}}}
	if action := step.Run(t.Context(), state); action != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	defer step.Cleanup(state)
	if ms, _ := chroot.MountsUnder(filepath.Join(root, "dev/pts")); len(ms) != 1 {
		t.Fatalf("mounts at the chroot's /dev/pts: %+v", ms)
	}
	if ms, _ := chroot.MountsUnder(filepath.Join(hostDev, "pts")); len(ms) != 0 {
		t.Errorf("the chroot's /dev/pts mount propagated to the host: %+v", ms)
	}
}
