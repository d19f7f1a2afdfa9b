package shelllocal

import (
	"slices"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

type artifact struct{}

func (artifact) BuilderId() string { return "test" }
func (artifact) Files() []string   { return nil }
func (artifact) Id() string        { return "id" }
func (artifact) String() string    { return "test" }
func (artifact) State(name string) any {
	if name == sdk.StateGeneratedData {
		return map[string]any{"ID": "img-1"}
	}
	return nil
}
func (artifact) Destroy() error { return nil }

func TestShellLocalPostProcessor(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]any
		want []string
	}{
		{map[string]any{"inline": []any{"echo built {{ .ID }} $PACKER_BUILD_NAME"}}, []string{"built img-1 web"}},
		// The old single-string execute_command runs with sh -c.
		{map[string]any{"inline": []any{"true"}, "execute_command": "echo legacy {{.ID}}"}, []string{"legacy img-1"}},
	} {
		tc.cfg["packer_build_name"] = "web"
		p := &PostProcessor{}
		if err := p.Configure(tc.cfg); err != nil {
			t.Fatal(err)
		}
		rec := &ui.Recorder{}
		in := artifact{}
		out, keep, force, err := p.PostProcess(t.Context(), rec, in)
		if err != nil {
			t.Fatalf("%v\n%s", err, rec.Output())
		}
		if out != sdk.Artifact(in) || !keep || !force {
			t.Errorf("PostProcess = %v %v %v", out, keep, force)
		}
		if !slices.Equal(rec.Messages(), tc.want) {
			t.Errorf("messages = %q, want %q", rec.Messages(), tc.want)
		}
	}
	p := &PostProcessor{}
	p.Configure(map[string]any{"inline": []any{"exit 2"}})
	if _, _, _, err := p.PostProcess(t.Context(), &ui.Recorder{}, artifact{}); err == nil {
		t.Error("failing script succeeded")
	}
}
