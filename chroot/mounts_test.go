//go:build linux

package chroot

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/kilnbuild/kiln/internal/testenv"
)

func TestParseMountInfo(t *testing.T) {
	got, err := parseMountInfo(`36 35 98:0 /mnt1 /mnt/with\040space rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue`)
	if err != nil {
		t.Fatal(err)
	}
	want := MountInfo{ID: 36, Parent: 35, Root: "/mnt1", MountPoint: "/mnt/with space", FSType: "ext3", Source: "/dev/root"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMountInfo = %+v; want %+v", got, want)
	}
	for _, bad := range []string{"", "1 2 3", "x 1 0:1 / / rw - ext4 /dev/x rw", "1 2 0:1 / / rw ext4 /dev/x rw"} {
		if _, err := parseMountInfo(bad); err == nil {
			t.Errorf("parseMountInfo(%q): no error", bad)
		}
	}
}

func TestMountsReadsThisProcess(t *testing.T) {
	ms, err := Mounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.MountPoint == "/" {
			return
		}
	}
	t.Errorf("no mount at / among %d mounts", len(ms))
}

func TestPartitionDevice(t *testing.T) {
	for _, tc := range []struct {
		dev  string
		n    int
		want string
	}{
		{"/dev/loop3", 0, "/dev/loop3"},
		{"/dev/loop3", 1, "/dev/loop3p1"},
		{"/dev/nvme0n1", 2, "/dev/nvme0n1p2"},
		{"/dev/sdb", 1, "/dev/sdb1"},
	} {
		if got := PartitionDevice(tc.dev, tc.n); got != tc.want {
			t.Errorf("PartitionDevice(%q, %d) = %q; want %q", tc.dev, tc.n, got, tc.want)
		}
	}
}

// mountTmpfs mounts a small tmpfs at dir for the test.
func mountTmpfs(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mount tmpfs at %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
}

func TestRemoveAllRefusesWhileMounted(t *testing.T) {
	testenv.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "ws")
	inner := filepath.Join(dir, "root", "dev")
	mountTmpfs(t, inner)
	sentinel := filepath.Join(inner, "null-stand-in")
	if err := os.WriteFile(sentinel, []byte("host file"), 0o644); err != nil {
		t.Fatal(err)
	}

	err := RemoveAll(dir)
	if !errors.Is(err, ErrMounted) {
		t.Fatalf("RemoveAll with a mount below = %v; want ErrMounted", err)
	}
	if _, err := os.Stat(sentinel); err != nil {
		t.Fatalf("the mounted filesystem was touched: %v", err)
	}
	if err := RemoveContents(dir); !errors.Is(err, ErrMounted) {
		t.Fatalf("RemoveContents with a mount below = %v; want ErrMounted", err)
	}

	if lazy, err := UnmountAll(dir); err != nil || len(lazy) > 0 {
		t.Fatalf("UnmountAll = %v, %v", lazy, err)
	}
	if err := RemoveAll(dir); err != nil {
		t.Fatalf("RemoveAll after unmounting: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s still exists: %v", dir, err)
	}
}

func TestRemoveAllDoesNotFollowLinks(t *testing.T) {
	outside := t.TempDir()
	keep := filepath.Join(outside, "keep")
	if err := os.WriteFile(keep, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ws")
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "a", "out")); err != nil {
		t.Fatal(err)
	}
	if err := RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Fatalf("a file behind a link was deleted: %v", err)
	}
	if err := RemoveAll("/"); err == nil {
		t.Fatal("RemoveAll(/) did not refuse")
	}
}

func TestUnmountAllDeepestFirst(t *testing.T) {
	testenv.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "ws")
	mountTmpfs(t, dir)
	mountTmpfs(t, filepath.Join(dir, "a"))
	mountTmpfs(t, filepath.Join(dir, "a", "b"))
	mountTmpfs(t, filepath.Join(dir, "c"))
	// Stacked on the same mount point.
	mountTmpfs(t, filepath.Join(dir, "c"))

	if ms, _ := MountsUnder(dir); len(ms) != 5 {
		t.Fatalf("MountsUnder = %d mounts; want 5", len(ms))
	}
	lazy, err := UnmountAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(lazy) > 0 {
		t.Errorf("lazy unmounts of idle mounts: %v", lazy)
	}
	if ms, _ := MountsUnder(dir); len(ms) != 0 {
		t.Fatalf("still mounted: %+v", ms)
	}
}

func TestUnmountBusyFallsBackToLazy(t *testing.T) {
	testenv.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "busy")
	mountTmpfs(t, dir)
	f, err := os.Create(filepath.Join(dir, "open"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	defer func(r int) { busyRetries = r }(busyRetries)
	busyRetries = 1

	lazy, err := Unmount(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !lazy {
		t.Error("Unmount of a busy mount was not lazy")
	}
	if ms, _ := MountsUnder(dir); len(ms) != 0 {
		t.Errorf("still mounted: %+v", ms)
	}
}
