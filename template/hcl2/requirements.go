package hcl2

import (
	"context"
	"fmt"
	"sort"
	"strings"

	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template"
)

// BundledPlugin is a Packer plugin whose components kiln compiles in.
type BundledPlugin struct {
	// Source is the plugin's address, e.g. "github.com/hashicorp/docker".
	Source string
	// Version is the plugin version kiln's components match.
	Version        string
	Builders       []string
	Provisioners   []string
	PostProcessors []string
	Datasources    []string
}

// Meets reports whether the plugin's version meets constraint (any
// version meets an empty one).
func (p BundledPlugin) Meets(constraint string) (bool, error) {
	if strings.TrimSpace(constraint) == "" {
		return true, nil
	}
	c, err := goversion.NewConstraint(constraint)
	if err != nil {
		return false, fmt.Errorf("invalid version constraint %q: %w", constraint, err)
	}
	return c.Check(goversion.Must(goversion.NewVersion(p.Version))), nil
}

// NormalizeSource returns the form plugin sources are compared in:
// lower case, without a leading "https://".
func NormalizeSource(source string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(source), "https://"))
}

// BundledPlugins returns the Packer plugins whose components reg holds
// (at least one of them), sorted by source.
func BundledPlugins(reg *components.Registry) []BundledPlugin {
	var out []BundledPlugin
	for src, bp := range bundledPlugins {
		if bp.provided(reg) {
			out = append(out, BundledPlugin{
				Source:         src,
				Version:        bp.version,
				Builders:       bp.builders,
				Provisioners:   bp.provisioners,
				PostProcessors: bp.postProcessors,
				Datasources:    bp.datasources,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

// LookupBundledPlugin returns the plugin with the given source among those
// reg provides.
func LookupBundledPlugin(reg *components.Registry, source string) (BundledPlugin, bool) {
	src := NormalizeSource(source)
	for _, p := range BundledPlugins(reg) {
		if p.Source == src {
			return p, true
		}
	}
	return BundledPlugin{}, false
}

// PluginRequirement is one entry of a required_plugins block.
type PluginRequirement struct {
	// Accessor is the name on the left of "=".
	Accessor string
	// Source is the plugin's address as written.
	Source string
	// Constraint is the version constraint as written; empty when none.
	Constraint string
	// Range is where the entry is written.
	Range hcl.Range
	// Bundled is the plugin kiln compiles in with this source, nil when
	// kiln has none.
	Bundled *BundledPlugin
	// Satisfied reports whether Bundled meets Constraint.
	Satisfied bool
}

// PluginRequirements parses the template at path as `packer init` does
// (everything -syntax-only reads: files, packer blocks, variables) and
// returns its required plugins in the order written (sorted by accessor
// within a block), each with the compiled-in plugin that satisfies it, if
// any. A name required twice is an error, as in Packer.
func PluginRequirements(ctx context.Context, path string, opts template.Options) ([]PluginRequirement, *template.Template, hcl.Diagnostics) {
	opts.SyntaxOnly = true
	l := newLoader(ctx, path, opts)
	t := &template.Template{Kind: template.HCL2, Path: path, Files: l.parser.Files()}
	diags := l.parse()
	if diags.HasErrors() {
		return nil, t, diags
	}
	seen := map[string]*requiredPlugin{}
	var reqs []PluginRequirement
	for _, rp := range l.requiredPlugins {
		if prev, ok := seen[rp.name]; ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Duplicate required_plugin.%q block", rp.name),
				Detail: fmt.Sprintf("Block previously seen at %s is already named %q.\n", prev.rng, rp.name) +
					"Each name on the left of required_plugins can be used once.",
				Subject: rp.rng.Ptr(),
			})
			continue
		}
		seen[rp.name] = rp
		req := PluginRequirement{Accessor: rp.name, Source: rp.source, Constraint: rp.text, Range: rp.rng}
		if p, ok := LookupBundledPlugin(l.reg, rp.source); ok {
			req.Bundled = &p
			req.Satisfied = rp.version == nil || rp.version.Check(goversion.Must(goversion.NewVersion(p.Version)))
		}
		reqs = append(reqs, req)
	}
	return reqs, t, diags
}
