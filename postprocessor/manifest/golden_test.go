package manifest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testDir is the package directory, before tests change directory.
var testDir, _ = os.Getwd()

func checkGolden(t *testing.T, got []byte, name string) {
	t.Helper()
	path := filepath.Join(testDir, "testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from testdata/%s:\n%s", "manifest", name, got)
	}
}

func postProcess(t *testing.T, cfg map[string]any, at int64, in *artifact) {
	t.Helper()
	p := &PostProcessor{now: func() time.Time { return time.Unix(at, 0) }}
	if err := p.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), &ui.Recorder{}, in); err != nil {
		t.Fatal(err)
	}
}

// The manifest of Packer's documentation, written by kiln byte for byte:
// json.MarshalIndent's layout (two spaces, the keys in Packer's order, no
// final newline).
func TestGoldenDocsExample(t *testing.T) {
	t.Chdir(t.TempDir())
	f, err := os.Create("packer_example")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(102219776); err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Setenv("PACKER_RUN_UUID", "6d5d3185-fa95-44e1-8775-9e64fe2e2d8f")
	postProcess(t, map[string]any{
		"packer_build_name": "docker", "packer_builder_type": "docker",
		"custom_data": map[string]any{"my_custom_data": "example"},
	}, 1507245986, &artifact{id: "Container", files: []string{"packer_example"}})
	got, err := os.ReadFile("packer-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, got, "docs-example.json")
	if fi, _ := os.Stat("packer-manifest.json"); fi.Mode().Perm() != 0o664&^umask() {
		t.Errorf("mode %v, want 0664 less the umask", fi.Mode().Perm())
	}
}

// Runs append, each setting last_run_uuid; strip_path and strip_time;
// files and custom_data are null when there are none; the encoder escapes
// HTML characters, as Packer's.
func TestGoldenAppend(t *testing.T) {
	t.Chdir(t.TempDir())
	os.MkdirAll("out", 0o755)
	os.WriteFile("out/disk.img", []byte("12345"), 0o644)
	out := map[string]any{"output": "m.json"}
	with := func(kv ...any) map[string]any {
		m := map[string]any{"output": "m.json"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	t.Setenv("PACKER_RUN_UUID", "11111111-1111-1111-1111-111111111111")
	postProcess(t, with("packer_build_name", "web", "packer_builder_type", "null",
		"custom_data", map[string]any{"id": "{{ .ID }}", "note": "a<b&c"}), 1700000000,
		&artifact{id: "Null", files: []string{"out/disk.img", "out/missing.img"}, data: map[string]any{"ID": "Null"}})
	postProcess(t, with("packer_build_name", "files", "packer_builder_type", "file", "strip_path", true, "strip_time", true), 1700000001,
		&artifact{id: "File", files: []string{"out/disk.img"}})
	t.Setenv("PACKER_RUN_UUID", "22222222-2222-2222-2222-222222222222")
	postProcess(t, out, 1700000002, &artifact{id: ""})
	got, err := os.ReadFile("m.json")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, got, "append.json")
}
