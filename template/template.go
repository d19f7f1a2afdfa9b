package template

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/core"
)

// Var is one -var assignment. Order matters: later ones win.
type Var struct{ Key, Value string }

// Options are what a template is loaded with.
type Options struct {
	// Vars are the -var flags, in order; they beat every var file.
	Vars []Var
	// VarFiles are the -var-file flags, in order; later files win.
	VarFiles []string
	// Only and Except select builds (HCL2: globs on full names; JSON:
	// exact builder names). Except also drops post-processors by name.
	Only, Except []string
	// SyntaxOnly stops after parsing: no variables checked, no
	// component prepared (validate -syntax-only).
	SyntaxOnly bool
	// EvaluateDatasources executes data sources; when false (validate's
	// default) they are configured but their outputs stay unknown.
	EvaluateDatasources bool
	// WarnUndeclaredVar warns about var-file values with no variable.
	WarnUndeclaredVar bool
	// Debug, Force and OnError are injected into components as
	// packer_debug, packer_force and packer_on_error.
	Debug   bool
	Force   bool
	OnError string
	// Getenv reads the environment (PKR_VAR_*, env()).
	Getenv func(string) string
	// Registry resolves component types; nil means components.Default().
	Registry *components.Registry
}

// Env returns Getenv, or os.Getenv when unset.
func (o Options) Env() func(string) string {
	if o.Getenv != nil {
		return o.Getenv
	}
	return os.Getenv
}

// Components returns Registry, or the default registry when unset.
func (o Options) Components() *components.Registry {
	if o.Registry != nil {
		return o.Registry
	}
	return components.Default()
}

// Kind is a template language.
type Kind int

const (
	// HCL2 is a .pkr.hcl/.pkr.json file or a folder of them.
	HCL2 Kind = iota + 1
	// JSON is a legacy JSON template (top-level "builders").
	JSON
)

func (k Kind) String() string {
	switch k {
	case HCL2:
		return "hcl2"
	case JSON:
		return "json"
	}
	return "unknown"
}

// DetectKind tells how path is read: a folder or a file ending in
// .pkr.hcl or .pkr.json is HCL2, any other file is legacy JSON, as in
// Packer. configType ("json" or "hcl2", from -config-type) overrides the
// detection for files.
func DetectKind(path, configType string) (Kind, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("read template: %w", err)
	}
	if fi.IsDir() {
		return HCL2, nil
	}
	switch configType {
	case "hcl2":
		return HCL2, nil
	case "json":
		return JSON, nil
	}
	if strings.HasSuffix(path, ".pkr.hcl") || strings.HasSuffix(path, ".pkr.json") {
		return HCL2, nil
	}
	return JSON, nil
}

// Template is a loaded template.
type Template struct {
	Kind Kind
	// Path is the file or folder the template was loaded from.
	Path string
	// Files are the parsed sources, by file name, so diagnostics can be
	// printed with the lines they point at.
	Files map[string]*hcl.File
	// Builds are the selected, prepared builds (nil with SyntaxOnly).
	Builds []*core.Build
	// Sensitive are the values of sensitive variables and locals, which
	// the loader has also registered with the Ui's scrubber.
	Sensitive []string
}
