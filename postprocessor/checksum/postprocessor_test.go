package checksum

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

type artifact struct {
	files []string
	data  map[string]any
}

func (a *artifact) BuilderId() string { return "test" }
func (a *artifact) Files() []string   { return a.files }
func (a *artifact) Id() string        { return "id" }
func (a *artifact) String() string    { return "test" }
func (a *artifact) State(name string) any {
	if name == sdk.StateGeneratedData {
		return a.data
	}
	return nil
}
func (a *artifact) Destroy() error { return nil }

// Known digests of "hello\n".
var helloSums = map[string]string{
	"md5":    "b1946ac92492d2347c6235b4d2611184",
	"sha1":   "f572d396fae9206628714fb2ce00f72e94f2258f",
	"sha224": "2d6d67d91d0badcdd06cbbba1fe11538a68a37ec9c2e26457ceff12b",
	"sha256": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
	"sha384": "1d0f284efe3edea4b9ca3bd514fa134b17eae361ccc7a1eefeff801b9bd6604e01f21f6bf249ef030599f0c218f2ba8c",
	"sha512": "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629",
}

func TestChecksumFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.img")
	b := filepath.Join(dir, "b.img")
	os.WriteFile(a, []byte("hello\n"), 0o644)
	os.WriteFile(b, []byte("hello\n"), 0o644)
	types := []any{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{
		"checksum_types": types, "packer_build_name": "web", "packer_builder_type": "null",
		"output": filepath.Join(dir, "sums", "{{.BuildName}}_{{.BuilderType}}_{{.ID}}.{{.ChecksumType}}"),
	}); err != nil {
		t.Fatal(err)
	}
	in := &artifact{files: []string{a, b}, data: map[string]any{"ID": "x"}}
	out, keep, force, err := p.PostProcess(t.Context(), &ui.Recorder{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if !keep || !force {
		t.Errorf("keep, force = %v, %v; want true, true", keep, force)
	}
	wantFiles := []string{a, b}
	for _, ty := range types {
		sumFile := filepath.Join(dir, "sums", "web_null_x."+ty.(string))
		wantFiles = append(wantFiles, sumFile)
		got, err := os.ReadFile(sumFile)
		if err != nil {
			t.Fatal(err)
		}
		sum := helloSums[ty.(string)]
		if want := sum + "\ta.img\n" + sum + "\tb.img\n"; string(got) != want {
			t.Errorf("%s file = %q, want %q", ty, got, want)
		}
	}
	if !slices.Equal(out.Files(), wantFiles) {
		t.Errorf("Files() = %v, want %v", out.Files(), wantFiles)
	}
	if out.BuilderId() != "packer.post-processor.checksum" || out.Id() != "" || out.State(sdk.StateGeneratedData) != nil ||
		!strings.HasPrefix(out.String(), "Created artifact from files: "+a+", "+b) {
		t.Errorf("artifact: %q %q %q", out.BuilderId(), out.Id(), out.String())
	}

	// A second run appends, and the existing checksum files are not new
	// files of the artifact.
	out, _, _, err = p.PostProcess(t.Context(), &ui.Recorder{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Files(), []string{a, b}) {
		t.Errorf("second run Files() = %v", out.Files())
	}
	got, _ := os.ReadFile(filepath.Join(dir, "sums", "web_null_x.md5"))
	if n := strings.Count(string(got), "\n"); n != 4 {
		t.Errorf("after two runs the md5 file has %d lines, want 4", n)
	}
}

func TestConfigure(t *testing.T) {
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.config.ChecksumTypes, []string{"md5"}) || p.config.OutputPath != DefaultOutput {
		t.Errorf("defaults: %+v", p.config)
	}
	if err := (&PostProcessor{}).Configure(map[string]any{"checksum_types": []any{"crc32"}}); err == nil || !strings.Contains(err.Error(), "unrecognized checksum type: crc32") {
		t.Errorf("bad type: %v", err)
	}
}
