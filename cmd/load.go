package cmd

import (
	"bytes"
	"context"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
	"github.com/kilnbuild/kiln/template/legacy"
)

// componentRegistry returns the components templates resolve types
// against; tests add fakes.
var componentRegistry = components.Default

// loadOptions turns the shared flags into template load options.
func (f *Factory) loadOptions(m MetaOptions) template.Options {
	vars := make([]template.Var, len(m.Vars))
	for i, kv := range m.Vars {
		vars[i] = template.Var{Key: kv.Key, Value: kv.Value}
	}
	return template.Options{
		Vars:     vars,
		VarFiles: m.VarFiles,
		Only:     m.Only,
		Except:   m.Except,
		Getenv:   f.getenv,
		Registry: componentRegistry(),
	}
}

// loadTemplate loads path as HCL2 or legacy JSON, as Packer decides.
func loadTemplate(ctx context.Context, path, configType string, opts template.Options) (*template.Template, hcl.Diagnostics) {
	kind, err := template.DetectKind(path, configType)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Failed to read template", Detail: err.Error()}}
	}
	if kind == template.JSON {
		return legacy.Load(ctx, path, opts)
	}
	return hcl2.Load(ctx, path, opts)
}

// writeDiags prints diagnostics through the command's Ui, as showDiags,
// and reports whether any is an error.
func (f *Factory) writeDiags(t *template.Template, diags hcl.Diagnostics, color bool) bool {
	return showDiags(f.Ui(uiOptions{NoColor: !color}), t, diags)
}

// diagWidth is the width Packer wraps diagnostic details at.
const diagWidth = 80

// showDiags renders diagnostics as Packer does (file:line:col, the source
// lines, summary and detail, wrapped at 80 columns, no colour) and writes
// them through u: with Error when any is an error, else with Say. It
// reports whether any is an error.
func showDiags(u sdk.Ui, t *template.Template, diags hcl.Diagnostics) bool {
	if len(diags) == 0 {
		return false
	}
	var files map[string]*hcl.File
	if t != nil {
		files = t.Files
	}
	var b bytes.Buffer
	_ = writeDiagnostics(&b, files, diagWidth, false, diags)
	if diags.HasErrors() {
		u.Error(b.String())
		return true
	}
	u.Say(b.String())
	return false
}
