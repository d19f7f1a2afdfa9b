package artifice

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

type artifact struct{ files []string }

func (a *artifact) BuilderId() string { return "test" }
func (a *artifact) Files() []string   { return a.files }
func (a *artifact) Id() string        { return "id" }
func (a *artifact) String() string    { return "test" }
func (a *artifact) State(string) any  { return map[string]any{"ID": "id"} }
func (a *artifact) Destroy() error    { return nil }

func TestArtifice(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.box", "b.box", "c.txt"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{"files": []any{filepath.Join(dir, "*.box"), filepath.Join(dir, "none-*")}}); err != nil {
		t.Fatal(err)
	}
	rec := &ui.Recorder{}
	out, keep, force, err := p.PostProcess(t.Context(), rec, &artifact{files: []string{"/old"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.box"), filepath.Join(dir, "b.box")}
	if !slices.Equal(out.Files(), want) || !keep || force {
		t.Errorf("got %v keep=%v force=%v", out.Files(), keep, force)
	}
	says := []string{"Discarding files from artifact: /old", "Using these artifact files: " + want[0] + ", " + want[1]}
	if !slices.Equal(rec.Says(), says) {
		t.Errorf("says = %q", rec.Says())
	}
	if out.BuilderId() != "packer.post-processor.artifice" || out.Id() != "" || out.State(sdk.StateGeneratedData) != nil ||
		out.String() != "Created artifact from files: "+want[0]+", "+want[1] {
		t.Errorf("artifact: %q %q %q", out.BuilderId(), out.Id(), out.String())
	}
	if err := out.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(want[0]); !os.IsNotExist(err) {
		t.Error("Destroy left the files")
	}
	if err := (&PostProcessor{}).Configure(map[string]any{}); err == nil {
		t.Error("no files accepted")
	}
}
