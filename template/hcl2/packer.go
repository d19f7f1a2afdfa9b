package hcl2

import (
	"fmt"
	"sort"
	"strings"

	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/version"
)

var packerBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "required_version"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "required_plugins"}},
}

type versionConstraint struct {
	constraints goversion.Constraints
	text        string
	rng         hcl.Range
}

// requiredPlugin is one entry of a required_plugins block.
type requiredPlugin struct {
	name    string
	source  string
	version goversion.Constraints
	text    string
	rng     hcl.Range
}

// bundledPlugin describes a Packer plugin whose components kiln compiles
// in: a template requiring it is satisfied when kiln has at least one of
// them and the claimed version meets the constraint.
type bundledPlugin struct {
	version        string
	builders       []string
	provisioners   []string
	postProcessors []string
	datasources    []string
}

// bundledPlugins are the Packer plugins kiln reimplements, by source.
var bundledPlugins = map[string]bundledPlugin{
	"github.com/hashicorp/docker": {
		version:        "1.1.2",
		builders:       []string{"docker"},
		postProcessors: []string{"docker-import", "docker-push", "docker-save", "docker-tag"},
	},
}

// provided tells whether reg holds any component of the plugin.
func (p bundledPlugin) provided(reg *components.Registry) bool {
	for _, n := range p.builders {
		if _, ok := reg.Builders[n]; ok {
			return true
		}
	}
	for _, n := range p.provisioners {
		if _, ok := reg.Provisioners[n]; ok {
			return true
		}
	}
	for _, n := range p.postProcessors {
		if _, ok := reg.PostProcessors[n]; ok {
			return true
		}
	}
	for _, n := range p.datasources {
		if _, ok := reg.Datasources[n]; ok {
			return true
		}
	}
	return false
}

// decodePackerBlocks reads every packer block: required_version and
// required_plugins. Their expressions are constants.
func (l *loader) decodePackerBlocks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range l.top[blockPacker] {
		content, more := b.Body.Content(packerBlockSchema)
		diags = append(diags, more...)
		if attr, ok := content.Attributes["required_version"]; ok {
			c, more := decodeConstraint(attr)
			diags = append(diags, more...)
			if !more.HasErrors() {
				l.requiredVersions = append(l.requiredVersions, c)
			}
		}
		for _, rb := range content.Blocks {
			diags = append(diags, l.decodeRequiredPlugins(rb)...)
		}
	}
	return diags
}

func decodeConstraint(attr *hcl.Attribute) (versionConstraint, hcl.Diagnostics) {
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return versionConstraint{}, diags
	}
	if v.Type() != cty.String || v.IsNull() {
		return versionConstraint{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid version constraint",
			Detail:   "A string value is required for " + attr.Name + ".",
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	c, err := goversion.NewConstraint(v.AsString())
	if err != nil {
		return versionConstraint{}, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid version constraint",
			Detail:   "This string does not use correct version constraint syntax: " + err.Error() + ".",
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	return versionConstraint{constraints: c, text: v.AsString(), rng: attr.Expr.Range()}, nil
}

func (l *loader) decodeRequiredPlugins(b *hcl.Block) hcl.Diagnostics {
	attrs, diags := b.Body.JustAttributes()
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		attr := attrs[name]
		v, more := attr.Expr.Value(nil)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		invalid := &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid required_plugins object",
			Detail:   `A plugin requirement is an object: { source = "github.com/<namespace>/<name>", version = "<constraint>" }.`,
			Subject:  attr.Expr.Range().Ptr(),
		}
		if !v.Type().IsObjectType() || v.IsNull() || !v.IsWhollyKnown() {
			diags = append(diags, invalid)
			continue
		}
		rp := &requiredPlugin{name: name, rng: attr.Range}
		for k, av := range v.AsValueMap() {
			if av.Type() != cty.String || av.IsNull() {
				diags = append(diags, invalid)
				continue
			}
			switch k {
			case "source":
				rp.source = av.AsString()
			case "version":
				c, err := goversion.NewConstraint(av.AsString())
				if err != nil {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Invalid version constraint",
						Detail:   "This string does not use correct version constraint syntax: " + err.Error() + ".",
						Subject:  attr.Expr.Range().Ptr(),
					})
					continue
				}
				rp.version, rp.text = c, av.AsString()
			default:
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid required_plugins object",
					Detail:   fmt.Sprintf("Unexpected key %q: a plugin requirement has only source and version.", k),
					Subject:  attr.Expr.Range().Ptr(),
				})
			}
		}
		if rp.source == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing plugin source",
				Detail:   fmt.Sprintf("The required plugin %q has no source, e.g. \"github.com/hashicorp/%s\".", name, name),
				Subject:  attr.Expr.Range().Ptr(),
			})
			continue
		}
		l.requiredPlugins = append(l.requiredPlugins, rp)
	}
	return diags
}

// checkRequiredVersion checks required_version against the Packer version
// kiln is compatible with.
func (l *loader) checkRequiredVersion() hcl.Diagnostics {
	var diags hcl.Diagnostics
	v := goversion.Must(goversion.NewVersion(version.PackerCompat))
	for _, c := range l.requiredVersions {
		if !c.constraints.Check(v) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported Packer Core version",
				Detail: fmt.Sprintf("This template requires Packer %s; kiln %s is compatible with Packer %s. "+
					"Change the version constraint if the template works with that version.", c.text, version.String(), version.PackerCompat),
				Subject: c.rng.Ptr(),
			})
		}
	}
	return diags
}

// checkPlugins reports the required plugins kiln does not provide, as
// Packer reports plugins that are not installed.
func (l *loader) checkPlugins() hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]*requiredPlugin{}
	var missing []string
	for _, rp := range l.requiredPlugins {
		if prev, ok := seen[rp.name]; ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Duplicate required_plugin.%q block", rp.name),
				Detail:   fmt.Sprintf("Block previously seen at %s is already named %q.", prev.rng, rp.name),
				Subject:  rp.rng.Ptr(),
			})
			continue
		}
		seen[rp.name] = rp
		src := strings.ToLower(strings.TrimPrefix(rp.source, "https://"))
		bp, ok := bundledPlugins[src]
		if ok && bp.provided(l.reg) && (rp.version == nil || rp.version.Check(goversion.Must(goversion.NewVersion(bp.version)))) {
			continue
		}
		missing = append(missing, fmt.Sprintf("* %s %s", rp.source, rp.text))
	}
	if len(missing) > 0 {
		var provided []string
		for src, bp := range bundledPlugins {
			if bp.provided(l.reg) {
				provided = append(provided, src+" v"+bp.version)
			}
		}
		sort.Strings(provided)
		detail := "The following plugins are required, but not installed:\n\n" + strings.Join(missing, "\n") +
			"\n\nkiln compiles its components in and installs no plugins."
		if len(provided) > 0 {
			detail += " It provides: " + strings.Join(provided, ", ") + "."
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing plugins",
			Detail:   detail,
		})
	}
	return diags
}
