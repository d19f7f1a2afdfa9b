package hcl2_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

const precedenceTemplate = `
variable "x" {
  type    = string
  default = "default"
}
source "docker" "s" {
  image = var.x
}
build {
  sources = ["docker.s"]
}
`

// TestVariablePrecedence checks §3.7: default < PKR_VAR_ < *.auto.pkrvars
// (folders only, HCL before JSON) < -var-file (in order) < -var (always
// last, whatever the order of the flags).
func TestVariablePrecedence(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"t.pkr.hcl":           precedenceTemplate,
		"a.auto.pkrvars.hcl":  `x = "auto-hcl"`,
		"b.auto.pkrvars.json": `{"x": "auto-json"}`,
		"one.pkrvars.hcl":     `x = "file-one"`,
		"two.pkrvars.json":    `{"x": "file-two"}`,
		"other.pkrvars.hcl":   `y = "undeclared"`,
	})
	file := filepath.Join(dir, "t.pkr.hcl")
	one, two := filepath.Join(dir, "one.pkrvars.hcl"), filepath.Join(dir, "two.pkrvars.json")
	tests := []struct {
		name     string
		path     string
		env      map[string]string
		varFiles []string
		vars     []template.Var
		want     string
	}{
		{name: "default", path: file, want: "default"},
		{name: "env", path: file, env: map[string]string{"PKR_VAR_x": "env"}, want: "env"},
		{name: "auto files ignored for a file", path: file, want: "default"},
		{name: "auto files for a folder, json last", path: dir, env: map[string]string{"PKR_VAR_x": "env"}, want: "auto-json"},
		{name: "var file beats auto files", path: dir, varFiles: []string{one}, want: "file-one"},
		{name: "later var file wins", path: file, varFiles: []string{one, two}, want: "file-two"},
		{name: "later var file wins, reversed", path: file, varFiles: []string{two, one}, want: "file-one"},
		{name: "var beats var files", path: dir, varFiles: []string{one, two}, vars: []template.Var{{Key: "x", Value: "cli"}}, want: "cli"},
		{name: "later var wins", path: file, vars: []template.Var{{Key: "x", Value: "a"}, {Key: "x", Value: "b"}}, want: "b"},
		{name: "undeclared env ignored", path: file, env: map[string]string{"PKR_VAR_nope": "1"}, want: "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, rec := mustLoad(t, tt.path, template.Options{Getenv: env(tt.env), VarFiles: tt.varFiles, Vars: tt.vars})
			if got := rec.builders[0].cfg.Image; got != tt.want {
				t.Errorf("var.x = %q, want %q", got, tt.want)
			}
		})
	}

	// Undeclared values: -var is an error; a var file's is a warning when
	// asked for, else silent.
	_, diags, _ := load(t, file, template.Options{Vars: []template.Var{{Key: "y", Value: "1"}}})
	if got := summaries(diags, hcl.DiagError); len(got) != 1 || got[0] != "Undefined -var variable" {
		t.Errorf("undeclared -var: %q", got)
	}
	other := filepath.Join(dir, "other.pkrvars.hcl")
	_, diags, _ = mustLoad(t, file, template.Options{VarFiles: []string{other}, WarnUndeclaredVar: true})
	if got := summaries(diags, hcl.DiagWarning); len(got) != 1 || got[0] != "Undefined variable" {
		t.Errorf("undeclared var file value, warnings on: %q", got)
	}
	_, diags, _ = mustLoad(t, file, template.Options{VarFiles: []string{other}})
	if len(diags) != 0 {
		t.Errorf("undeclared var file value, warnings off: %s", diags.Error())
	}
	_, diags, _ = load(t, file, template.Options{VarFiles: []string{filepath.Join(dir, "t.pkr.hcl.txt")}})
	if got := summaries(diags, hcl.DiagError); len(got) != 1 || got[0] != "Could not guess format of "+filepath.Join(dir, "t.pkr.hcl.txt") {
		t.Errorf("var file of unknown format: %q", got)
	}
}

// Values given as text are literal strings for string, number and
// untyped variables, and HCL for the other types.
func TestVariableInputTypes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": `
variable "list" {
  type = list(string)
}
variable "flag" {
  type = bool
}
variable "any" {
}
source "docker" "s" {
  image   = var.any
  changes = var.list
  commit  = var.flag
}
build {
  sources = ["docker.s"]
}
`})
	path := filepath.Join(dir, "t.pkr.hcl")
	_, _, rec := mustLoad(t, path, template.Options{
		Getenv: env(map[string]string{"PKR_VAR_list": `["a", "b"]`}),
		Vars:   []template.Var{{Key: "flag", Value: "true"}, {Key: "any", Value: `["not", "parsed"]`}},
	})
	cfg := rec.builders[0].cfg
	if len(cfg.Changes) != 2 || cfg.Changes[1] != "b" || !cfg.Commit || cfg.Image != `["not", "parsed"]` {
		t.Errorf("decoded %+v", cfg)
	}
	_, diags, _ := load(t, path, template.Options{Vars: []template.Var{
		{Key: "flag", Value: "maybe"}, {Key: "list", Value: "[]"}, {Key: "any", Value: ""},
	}})
	if !diags.HasErrors() {
		t.Error("flag=maybe: no error")
	}
}

// Many variable blocks, decoded in parallel, give their diagnostics in
// source order, a duplicate's only, and their values.
func TestManyVariables(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		switch i {
		case 100:
			b.WriteString("variable \"bad\" {\n  type    = number\n  default = \"x\"\n}\n")
		case 300:
			b.WriteString("variable \"v5\" {\n  type    = number\n  default = \"y\"\n}\n")
		default:
			fmt.Fprintf(&b, "variable \"v%d\" {\n  default = \"value-%d\"\n}\n", i, i)
		}
	}
	b.WriteString("source \"docker\" \"s\" {\n  image = \"${var.v5}/${var.v999}\"\n}\nbuild {\n  sources = [\"docker.s\"]\n}\n")
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": b.String()})
	_, diags, _ := load(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s at %d", d.Summary, d.Subject.Start.Line))
	}
	want := []string{"Invalid default value for variable at 303", "Duplicate variable at 902"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics %q, want %q", got, want)
	}

	dir = writeFiles(t, map[string]string{"t.pkr.hcl": strings.NewReplacer("default = \"x\"", "default = 1", "variable \"v5\" {\n  type    = number\n  default = \"y\"", "variable \"w\" {\n  type    = number\n  default = 2").Replace(b.String())})
	_, _, rec := mustLoad(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	if got := rec.builders[0].cfg.Image; got != "value-5/value-999" {
		t.Errorf("image %q", got)
	}
}
