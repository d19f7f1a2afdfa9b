package chroot

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSecureJoin(t *testing.T) {
	root := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		if err := os.Symlink(target, filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	mk("etc")
	mk("usr/lib")
	link("/", "abs-root")
	link("/etc", "abs-etc")
	link("../../../../..", "climb")
	link("usr/lib", "lib")
	link("loop-b", "loop-a")
	link("loop-a", "loop-b")
	link("/nowhere/x", "dangling")

	for _, tc := range []struct {
		in, want string
	}{
		{"/", "/"},
		{"", "/"},
		{"/etc/passwd", "/etc/passwd"},
		{"etc/passwd", "/etc/passwd"},
		{"/../../etc", "/etc"},
		{"/abs-root/etc", "/etc"},
		{"/abs-etc/passwd", "/etc/passwd"},
		{"/climb/etc/shadow", "/etc/shadow"},
		{"/lib/x.so", "/usr/lib/x.so"},
		{"/usr/lib/../../lib", "/usr/lib"},
		{"/dangling", "/nowhere/x"},
		{"/missing/../etc", "/etc"},
	} {
		got, err := SecureJoin(root, tc.in)
		if err != nil {
			t.Errorf("SecureJoin(%q): %v", tc.in, err)
			continue
		}
		if want := filepath.Join(root, tc.want); got != want {
			t.Errorf("SecureJoin(%q) = %q; want %q", tc.in, got, want)
		}
	}
	if _, err := SecureJoin(root, "/loop-a/x"); err == nil {
		t.Error("SecureJoin through a link loop: no error")
	}
}

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		path, dir string
		want      bool
	}{
		{"/a/b", "/a", true},
		{"/a", "/a", true},
		{"/ab", "/a", false},
		{"/", "/a", false},
		{"/x", "/", true},
	} {
		if got := within(tc.path, tc.dir); got != tc.want {
			t.Errorf("within(%q, %q) = %v; want %v", tc.path, tc.dir, got, tc.want)
		}
	}
}
