package hcl2

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/template"
)

// Inspection is what Inspect prints, as data: for `inspect -json`.
type Inspection struct {
	Variables []InspectedValue
	Locals    []InspectedValue
	Builds    []InspectedBuild
}

// InspectedValue is a variable or local with its value, unknown when it
// could not be evaluated (no value, or it depends on something only known
// at build time).
type InspectedValue struct {
	Name      string
	Value     cty.Value
	Sensitive bool
}

// InspectedBuild is one build block.
type InspectedBuild struct {
	// Name is the build's name; empty when it has none.
	Name        string
	Description string
	// Sources are "type.name" (the build-local name when the build renames
	// the source).
	Sources []string
	// Provisioners and the post-processors of each chain are "type" or
	// "type.name" when named.
	Provisioners   []string
	PostProcessors [][]string
}

// InspectData loads the template at path as Inspect does (parse errors
// returned, later ones ignored, data sources executed) and returns its
// inspection as data, variables and locals sorted by name.
func InspectData(ctx context.Context, path string, opts template.Options) (*template.Template, *Inspection, hcl.Diagnostics) {
	opts.SyntaxOnly = false
	opts.EvaluateDatasources = true
	l := newLoader(ctx, path, opts)
	t := &template.Template{Kind: template.HCL2, Path: path, Files: l.parser.Files()}
	diags := l.parse()
	if diags.HasErrors() {
		return t, nil, diags
	}
	_ = l.initialize()
	t.Sensitive = l.secrets

	in := &Inspection{}
	vars := append([]*variable(nil), l.variables.order...)
	sort.Slice(vars, func(i, j int) bool { return vars[i].name < vars[j].name })
	for _, v := range vars {
		in.Variables = append(in.Variables, InspectedValue{Name: v.name, Value: v.value(), Sensitive: v.sensitive})
	}
	sensitiveLocal := map[string]bool{}
	for _, ld := range l.locals {
		if ld.sensitive {
			sensitiveLocal[ld.name] = true
		}
	}
	names := make([]string, 0, len(l.localVals))
	for n := range l.localVals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		in.Locals = append(in.Locals, InspectedValue{Name: n, Value: l.localVals[n], Sensitive: sensitiveLocal[n]})
	}
	for _, bd := range l.buildDefs {
		b := InspectedBuild{Name: bd.name, Description: bd.description}
		for _, s := range bd.sources {
			b.Sources = append(b.Sources, fmt.Sprint(s))
		}
		for _, p := range bd.provisioners {
			b.Provisioners = append(b.Provisioners, dotted(p.typ, p.name))
		}
		for _, chain := range bd.postProcessors {
			c := make([]string, 0, len(chain))
			for _, pp := range chain {
				c = append(c, dotted(pp.typ, pp.name))
			}
			b.PostProcessors = append(b.PostProcessors, c)
		}
		in.Builds = append(in.Builds, b)
	}
	return t, in, diags
}

// Known reports whether the value is wholly known.
func (v InspectedValue) Known() bool { return v.Value.IsWhollyKnown() }
