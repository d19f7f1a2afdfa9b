package hcl2

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/funcs"
	"github.com/kilnbuild/kiln/version"
)

// Load reads the HCL2 template at path (a file or a folder) and, unless
// opts.SyntaxOnly, evaluates it and prepares the selected builds.
//
// The stages follow Packer's: parsing (files, the packer block, variable
// declarations and values, local and data declarations) is all
// -syntax-only checks; then required plugins are checked, variables
// validated, data sources and locals evaluated, sources and builds decoded
// and every selected build's components prepared. Each stage's errors stop
// the load; warnings are returned with the result.
func Load(ctx context.Context, path string, opts template.Options) (*template.Template, hcl.Diagnostics) {
	defer raiseGC()()
	l := newLoader(ctx, path, opts)
	t := &template.Template{Kind: template.HCL2, Path: path, Files: l.parser.Files()}

	diags := l.parse()
	if diags.HasErrors() || opts.SyntaxOnly {
		return t, diags
	}
	more := l.checkPlugins()
	diags = append(diags, more...)
	if more.HasErrors() {
		return t, diags
	}
	more = l.initialize()
	t.Sensitive = l.secrets
	diags = append(diags, more...)
	if more.HasErrors() {
		return t, diags
	}
	builds, more := l.builds()
	diags = append(diags, more...)
	t.Builds = builds
	t.Sensitive = l.secrets
	return t, diags
}

// loader holds a template while it is loaded.
type loader struct {
	ctx    context.Context
	opts   template.Options
	reg    *components.Registry
	getenv func(string) string
	parser *hclparse.Parser

	path    string
	isDir   bool
	basedir string
	cwd     string

	files []*hcl.File
	// top are the top-level blocks of every file, by type, in file order.
	top map[string][]*hcl.Block

	funcs map[string]function.Function

	variables *variables
	locals    []*localDef
	datas     []*dataDef
	sources   map[sourceKey]*sourceDef
	buildDefs []*buildDef

	requiredVersions []versionConstraint
	requiredPlugins  []*requiredPlugin
	registryBlocks   []*hcl.Block

	// Values, once evaluated.
	localVals map[string]cty.Value
	dataVals  map[string]map[string]cty.Value
	sensitive []string
	// secrets are the values of sensitive variables and locals.
	secrets []string
	// ectx is the context sources and builds are evaluated in.
	ectx *hcl.EvalContext
}

func newLoader(ctx context.Context, path string, opts template.Options) *loader {
	l := &loader{
		ctx:       ctx,
		opts:      opts,
		reg:       opts.Components(),
		getenv:    opts.Env(),
		parser:    hclparse.NewParser(),
		path:      path,
		top:       map[string][]*hcl.Block{},
		sources:   map[sourceKey]*sourceDef{},
		localVals: map[string]cty.Value{},
		dataVals:  map[string]map[string]cty.Value{},
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		l.isDir = true
		l.basedir = path
	} else {
		l.basedir = filepath.Dir(path)
	}
	l.cwd, _ = os.Getwd()
	l.funcs = funcs.Functions(l.basedir)
	return l
}

// pathObject is the value of path.*.
func (l *loader) pathObject() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"cwd":  cty.StringVal(strings.ReplaceAll(l.cwd, `\`, `/`)),
		"root": cty.StringVal(strings.ReplaceAll(l.basedir, `\`, `/`)),
	})
}

// packerObject is the value of packer.*.
func packerObject() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"version":            cty.StringVal(version.PackerCompat),
		"iterationID":        cty.UnknownVal(cty.String),
		"versionFingerprint": cty.UnknownVal(cty.String),
	})
}

// unknownSource is source.* outside a build.
var unknownSource = cty.ObjectVal(map[string]cty.Value{
	"type": cty.UnknownVal(cty.String),
	"name": cty.UnknownVal(cty.String),
})

// baseContext returns an evaluation context with every namespace but
// local and data, which the caller adds.
func (l *loader) baseContext() *hcl.EvalContext {
	return &hcl.EvalContext{
		Functions: l.funcs,
		Variables: map[string]cty.Value{
			"var":    l.variables.object(),
			"path":   l.pathObject(),
			"packer": packerObject(),
			"source": unknownSource,
			"build":  cty.UnknownVal(cty.EmptyObject),
		},
	}
}
