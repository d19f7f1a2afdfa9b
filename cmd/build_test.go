package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/core"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/template"
)

// stubBuilder returns its artifact or its error.
type stubBuilder struct {
	artifact sdk.Artifact
	err      error
}

func (b *stubBuilder) ConfigSpec() hcldec.ObjectSpec              { return nil }
func (b *stubBuilder) Prepare(...any) ([]string, []string, error) { return nil, nil, nil }
func (b *stubBuilder) Run(context.Context, sdk.Ui, sdk.Hook) (sdk.Artifact, error) {
	return b.artifact, b.err
}

type stubArtifact struct{}

func (stubArtifact) BuilderId() string { return "stub" }
func (stubArtifact) Files() []string   { return nil }
func (stubArtifact) Id() string        { return "stub-id" }
func (stubArtifact) String() string    { return "a stub artifact" }
func (stubArtifact) State(string) any  { return nil }
func (stubArtifact) Destroy() error    { return nil }

func TestRunTemplate(t *testing.T) {
	ok := &core.Build{Name: "stub.ok", Builder: &stubBuilder{artifact: stubArtifact{}}}
	failing := &core.Build{Name: "stub.failing", Builder: &stubBuilder{err: errors.New("it broke")}}
	errDiag := hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unsupported argument"}}
	warnDiag := hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Undeclared variable"}}
	tests := []struct {
		name     string
		builds   []*core.Build
		diags    hcl.Diagnostics
		opts     BuildOptions
		code     int
		contains []string
		absent   []string
	}{
		{
			name: "success", builds: []*core.Build{ok}, opts: BuildOptions{Color: true}, code: exitOK,
			contains: []string{
				"stub.ok: output will be in this color.\n\n",
				"Build 'stub.ok' finished after ",
				"==> Builds finished. The artifacts of successful builds are:\n--> stub.ok: a stub artifact\n",
			},
		},
		{
			name: "a failed build", builds: []*core.Build{ok, failing}, code: exitError,
			contains: []string{"--> stub.failing: it broke\n", "--> stub.ok: a stub artifact\n"},
			absent:   []string{"output will be in this color"},
		},
		{
			name: "warnings only", builds: []*core.Build{ok}, diags: warnDiag, code: exitOK,
			contains: []string{"Undeclared variable", "--> stub.ok: a stub artifact"},
		},
		{
			name: "errors with valid builds still run them", builds: []*core.Build{ok}, diags: errDiag, code: exitError,
			contains: []string{"Unsupported argument", "--> stub.ok: a stub artifact"},
		},
		{
			name: "errors without builds", diags: errDiag, code: exitError,
			contains: []string{"Unsupported argument"},
			absent:   []string{"No builds to run"},
		},
		{
			name: "no builds", opts: BuildOptions{Debug: true}, code: exitError,
			contains: []string{"Debug mode enabled. Builds will not be parallelized.\n", "No builds to run"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, _ := testFactory()
			tmpl := &template.Template{Builds: tt.builds}
			err := runTemplate(t.Context(), f, &tt.opts, f.Ui(uiOptions{NoColor: !tt.opts.Color}), tmpl, tt.diags, "uuid")
			if got := exitCode(f, nil, err); got != tt.code {
				t.Errorf("exit code = %d, want %d (err %v)", got, tt.code, err)
			}
			for _, s := range tt.contains {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(out.String(), s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
		})
	}
}

func TestRunTemplateCancelled(t *testing.T) {
	f, out, _ := testFactory()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tmpl := &template.Template{Builds: []*core.Build{{Name: "stub.ok", Builder: &stubBuilder{artifact: stubArtifact{}}}}}
	err := runTemplate(ctx, f, &BuildOptions{}, f.Ui(uiOptions{}), tmpl, nil, "uuid")
	if got := exitCode(f, nil, err); got != exitError {
		t.Errorf("exit code = %d", got)
	}
	if !strings.HasSuffix(out.String(), "Cleanly cancelled builds after being interrupted.\n") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRunTemplateMachineReadableHasNoColorLines(t *testing.T) {
	f, out, _ := testFactory()
	f.MachineReadable = true
	tmpl := &template.Template{Builds: []*core.Build{{Name: "stub.ok", Builder: &stubBuilder{artifact: stubArtifact{}}}}}
	if err := runTemplate(t.Context(), f, &BuildOptions{Color: true}, f.Ui(uiOptions{}), tmpl, nil, "uuid"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "output will be in this color") || !strings.Contains(out.String(), ",stub.ok,artifact-count,1\n") {
		t.Errorf("output:\n%s", out)
	}
}
