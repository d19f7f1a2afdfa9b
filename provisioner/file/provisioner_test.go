package file

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/communicator/local"
	"github.com/kilnbuild/kiln/ui"
)

func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// fixture makes src/{f.txt, g.txt, dir/a.txt, dir/sub/b.txt}.
func fixture(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	for _, f := range []string{"f.txt", "g.txt", "dir/a.txt", "dir/sub/b.txt"} {
		p := filepath.Join(src, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func run(t *testing.T, cfg map[string]any, data map[string]any) (*ui.Recorder, error) {
	t.Helper()
	p := &Provisioner{}
	if err := p.Prepare(cfg); err != nil {
		t.Fatalf("Prepare(%v): %v", cfg, err)
	}
	rec := &ui.Recorder{}
	return rec, p.Provision(t.Context(), rec, &local.Communicator{}, data)
}

// The trailing-slash rules, through the real local communicator: "remote"
// is a temporary directory.
func TestUploadTrailingSlash(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sources []string // relative to the fixture
		dst     string   // relative to the remote directory
		premk   bool     // create the destination directory first
		want    []string
	}{
		{"file to file", []string{"f.txt"}, "renamed.txt", false, []string{"renamed.txt"}},
		{"file to dir/", []string{"f.txt"}, "d/", true, []string{"d/f.txt"}},
		{"files to dir/", []string{"f.txt", "g.txt"}, "d/", true, []string{"d/f.txt", "d/g.txt"}},
		{"dir without slash", []string{"dir"}, "d", false, []string{"d/dir/a.txt", "d/dir/sub/b.txt"}},
		{"dir without slash, dst/", []string{"dir"}, "d/", false, []string{"d/dir/a.txt", "d/dir/sub/b.txt"}},
		{"dir/ copies contents", []string{"dir/"}, "d", false, []string{"d/a.txt", "d/sub/b.txt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fixture(t)
			remote := t.TempDir()
			if tc.premk {
				os.MkdirAll(filepath.Join(remote, "d"), 0o755)
			}
			var sources []any
			for _, s := range tc.sources {
				sources = append(sources, filepath.Join(src, s)+map[bool]string{true: "/"}[strings.HasSuffix(s, "/")])
			}
			dst := filepath.Join(remote, tc.dst) + map[bool]string{true: "/"}[strings.HasSuffix(tc.dst, "/")]
			rec, err := run(t, map[string]any{"sources": sources, "destination": dst}, nil)
			if err != nil {
				t.Fatalf("%v\n%s", err, rec.Output())
			}
			if got := tree(t, remote); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUploadContentAndGenerated(t *testing.T) {
	remote := t.TempDir()
	rec, err := run(t, map[string]any{"content": "hello", "destination": remote + "/{{ .ID }}.txt"}, map[string]any{"ID": "abc"})
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Output())
	}
	if b, err := os.ReadFile(filepath.Join(remote, "abc.txt")); err != nil || string(b) != "hello" {
		t.Errorf("content: %q, %v", b, err)
	}
	if calls := rec.Calls(); !slices.ContainsFunc(calls, func(c ui.Call) bool { return c.Method == "progress" }) {
		t.Errorf("no progress tracked: %v", calls)
	}
	// generated: the source need not exist at Prepare.
	later := filepath.Join(t.TempDir(), "later.txt")
	p := &Provisioner{}
	if err := p.Prepare(map[string]any{"source": later, "destination": remote + "/later.txt", "generated": true}); err != nil {
		t.Fatalf("generated: %v", err)
	}
	os.WriteFile(later, []byte("made"), 0o644)
	if err := p.Provision(t.Context(), &ui.Recorder{}, &local.Communicator{}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDownloadTrailingSlash(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string // relative to the "remote" fixture
		dst  string // relative to a local directory
		want []string
	}{
		{"file to file, parent made", "f.txt", "new/x.txt", []string{"new/x.txt"}},
		{"file to dir/", "f.txt", "out/", []string{"out/f.txt"}},
		{"dir/ to dir", "dir/", "out", []string{"out/a.txt", "out/sub/b.txt"}},
		{"glob", "*.txt", "out/", []string{"out/f.txt", "out/g.txt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			remote := fixture(t)
			localDir := t.TempDir()
			src := filepath.Join(remote, tc.src)
			if strings.HasSuffix(tc.src, "/") {
				src += "/"
			}
			dst := filepath.Join(localDir, tc.dst)
			if strings.HasSuffix(tc.dst, "/") {
				dst += "/"
			}
			rec, err := run(t, map[string]any{"source": src, "destination": dst, "direction": "download"}, nil)
			if err != nil {
				t.Fatalf("%v\n%s", err, rec.Output())
			}
			if got := tree(t, localDir); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTargets(t *testing.T) {
	for _, tc := range []struct{ src, dst, want string }{
		{"a/f", "/x/", "/x/f"},
		{"a/f", "/x/y", "/x/y"},
	} {
		if got := UploadTarget(tc.src, tc.dst); got != tc.want {
			t.Errorf("UploadTarget(%q, %q) = %q, want %q", tc.src, tc.dst, got, tc.want)
		}
	}
	for _, tc := range []struct {
		src, dst, target, mkdir string
		dir                     bool
	}{
		{"/r/f", "out/", "out/f", "out/", false},
		{"/r/f", "out/x", "out/x", "out", false},
		{"/r/d/", "out/", "out/", "out/", true},
		{"/r/*", "out/", "out/", "out/", true},
		{"/r/f?", "out", "out", ".", true},
	} {
		target, mkdir, dir := DownloadTarget(tc.src, tc.dst)
		if target != tc.target || mkdir != tc.mkdir || dir != tc.dir {
			t.Errorf("DownloadTarget(%q, %q) = (%q, %q, %v), want (%q, %q, %v)", tc.src, tc.dst, target, mkdir, dir, tc.target, tc.mkdir, tc.dir)
		}
	}
}

func TestPrepareErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{"source": "/etc/hostname"}, "destination must be specified"},
		{map[string]any{"destination": "/x"}, "source must be specified"},
		{map[string]any{"source": "/nonexistent", "destination": "/x"}, "bad source '/nonexistent'"},
		{map[string]any{"source": "/etc/hostname", "content": "x", "destination": "/x"}, "source(s) conflicts with content"},
		{map[string]any{"source": "/etc/hostname", "destination": "/x", "direction": "sideways"}, "direction must be one of: download, upload"},
	} {
		err := (&Provisioner{}).Prepare(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Prepare(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
	// source and sources merge, source last; download sources need not exist.
	p := &Provisioner{}
	if err := p.Prepare(map[string]any{"sources": []any{"/r/a"}, "source": "/r/b", "destination": "/x/", "direction": "download"}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.config.Sources, []string{"/r/a", "/r/b"}) {
		t.Errorf("sources = %v", p.config.Sources)
	}
}
