package checksum

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kilnbuild/kiln/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testDir is the package directory, before tests change directory.
var testDir, _ = os.Getwd()

// With the default output, two runs over two files leave, per type, the
// file Packer leaves: "<hex sum>\t<base name>\n" lines, appended.
func TestGolden(t *testing.T) {
	t.Chdir(t.TempDir())
	os.MkdirAll("out", 0o755)
	os.WriteFile("out/disk.img", []byte("hello\n"), 0o644)
	os.WriteFile("out/empty.img", nil, 0o644)
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{
		"checksum_types":    []any{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"},
		"packer_build_name": "web", "packer_builder_type": "null",
	}); err != nil {
		t.Fatal(err)
	}
	in := &artifact{files: []string{"out/disk.img", "out/empty.img"}}
	for range 2 {
		if _, _, _, err := p.PostProcess(t.Context(), &ui.Recorder{}, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, ty := range []string{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"} {
		name := "packer_web_null_" + ty + ".checksum"
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join(testDir, "testdata", name)
		if *update {
			os.WriteFile(golden, got, 0o644)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
		if fi, _ := os.Stat(name); fi.Mode().Perm()&0o644 != 0o644 || fi.Mode().Perm()&0o133 != 0 {
			t.Errorf("%s: mode %v, want 0644 less the umask", name, fi.Mode().Perm())
		}
	}
}
