//go:build linux

// Package chroottest makes the fixtures tests of chroot builders need — a
// busybox root filesystem, a tarball of it, raw disk images holding it —
// and checks that a build left nothing behind: no mount, no loop device,
// no process. Fixtures are made from the host's busybox-static and
// e2fsprogs, without a network or a registry, and removed by t.Cleanup.
// It builds on Linux only.
package chroottest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/internal/testenv"
)

// RequireTools fails t in CI, and skips it elsewhere, when a host tool is
// missing (scripts/ci-setup.sh installs them).
func RequireTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if testenv.InCI() {
				t.Fatalf("CI=true but %s is not installed (scripts/ci-setup.sh installs it)", n)
			}
			t.Skipf("%s is not installed", n)
		}
	}
}

// Run runs a host command and fails t with its output if it fails.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// busybox is the static busybox the fixtures are made of.
const busybox = "/bin/busybox"

// BusyboxRoot fills dir with a minimal busybox root filesystem: the
// usual top-level directories, /bin/busybox with a link per applet, and
// root in /etc/passwd and /etc/group. The busybox binary must be static.
func BusyboxRoot(t testing.TB, dir string) {
	t.Helper()
	if _, err := os.Stat(busybox); err != nil {
		if testenv.InCI() {
			t.Fatalf("CI=true but %s is missing (apt-get install busybox-static)", busybox)
		}
		t.Skipf("%s is missing (apt-get install busybox-static)", busybox)
	}
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "tmp", "var/tmp", "dev", "proc", "sys", "run"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"tmp", "var/tmp"} {
		if err := os.Chmod(filepath.Join(dir, d), 0o1777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// /dev/null, as a real root filesystem has it (needs root).
	if os.Geteuid() == 0 {
		if err := unix.Mknod(filepath.Join(dir, "dev/null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Fatal(err)
		}
	}
	Run(t, "cp", busybox, filepath.Join(dir, "bin/busybox"))
	list := Run(t, busybox, "--list-full")
	for _, applet := range strings.Fields(list) {
		p := filepath.Join(dir, applet)
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		rel, err := filepath.Rel(filepath.Dir("/"+applet), "/bin/busybox")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(rel, p); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"etc/passwd":   "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
		"etc/group":    "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n",
		"etc/hostname": "kiln-test\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BusyboxTarball returns the path of a tarball (.tar) of a busybox root
// filesystem, in a directory t removes.
func BusyboxTarball(t testing.TB) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "rootfs")
	BusyboxRoot(t, root)
	tarball := filepath.Join(t.TempDir(), "busybox.tar")
	Run(t, "tar", "--numeric-owner", "-C", root, "-cf", tarball, ".")
	return tarball
}

// RawDisk returns the path of a raw disk image of sizeMiB holding an
// ext4 filesystem made from the directory root. With partitioned set the
// disk has an MBR partition table whose first partition (starting at
// 1 MiB) holds the filesystem; otherwise the filesystem is the whole disk.
// No loop device is needed to make it.
func RawDisk(t testing.TB, root string, sizeMiB int, partitioned bool) string {
	t.Helper()
	RequireTools(t, "mkfs.ext4", "sfdisk")
	disk := filepath.Join(t.TempDir(), "disk.raw")
	f, err := os.Create(disk)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(sizeMiB) << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if !partitioned {
		Run(t, "mkfs.ext4", "-q", "-F", "-d", root, disk)
		return disk
	}
	cmd := exec.Command("sfdisk", "--quiet", disk)
	cmd.Stdin = strings.NewReader("label: dos\nstart=2048, type=83\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sfdisk: %v\n%s", err, out)
	}
	Run(t, "mkfs.ext4", "-q", "-F", "-E", "offset=1048576", "-d", root, disk, fmt.Sprintf("%dk", (sizeMiB-1)*1024))
	return disk
}

// AssertClean fails t when anything is left at or below dir: a mount, a
// loop device attached to a file there, or a process whose root is there.
// dir must be the test's own (a t.TempDir or below): tests in other
// packages, and other checkouts' test runs on the same machine, build at
// the same time, and only paths below dir tell their leftovers apart.
func AssertClean(t testing.TB, dir string) {
	t.Helper()
	if ms, err := chroot.MountsUnder(dir); err != nil {
		t.Errorf("read mounts: %v", err)
	} else {
		for _, m := range ms {
			t.Errorf("left mounted: %s (%s)", m.MountPoint, m.FSType)
		}
	}
	if devs, err := chroot.LoopDevicesOf(dir, true); err != nil {
		t.Errorf("read loop devices: %v", err)
	} else {
		for _, d := range devs {
			b, _ := chroot.LoopBackingFile(d)
			t.Errorf("left attached: %s (%s)", d, b)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		if pids, err := chroot.ProcessesIn(dir); err != nil {
			t.Errorf("list processes: %v", err)
		} else if len(pids) > 0 {
			t.Errorf("left running in %s: %v", dir, pids)
		}
	}
}

// CleanupMounts registers a cleanup that unmounts whatever a failed test
// left mounted below dir (a directory the test created), so one failure
// does not leak into the machine.
func CleanupMounts(t testing.TB, dir string) {
	t.Helper()
	t.Cleanup(func() {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		if _, err := os.Stat(dir); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			_, _ = chroot.KillProcesses(ctx, dir)
			cancel()
		}
		if devs, _ := chroot.LoopDevicesOf(dir, true); len(devs) > 0 {
			defer func() {
				for _, d := range devs {
					_ = exec.Command("losetup", "--detach", d).Run()
				}
			}()
		}
		if _, err := chroot.UnmountAll(dir); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
}

// AttachPartition attaches the part of the disk image file starting at
// offset (a partition) to a loop device, detached when t ends, and
// returns the device, for tools such as e2fsck that read block devices.
func AttachPartition(t testing.TB, file string, offset int64) string {
	t.Helper()
	dev := strings.TrimSpace(Run(t, "losetup", "--find", "--show", "--read-only", "--offset", strconv.FormatInt(offset, 10), file))
	t.Cleanup(func() {
		if b, _ := chroot.LoopBackingFile(dev); b != "" {
			_ = exec.Command("losetup", "--detach", dev).Run()
		}
	})
	return dev
}

// MountsOf returns how many mounts there are at or below dir.
func MountsOf(dir string) (int, error) {
	ms, err := chroot.MountsUnder(dir)
	return len(ms), err
}
