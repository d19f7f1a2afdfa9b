package hcl2

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/components"
)

// Block types inside a build block.
const (
	blockProvisioner    = "provisioner"
	blockCleanup        = "error-cleanup-provisioner"
	blockPostProcessor  = "post-processor"
	blockPostProcessors = "post-processors"
)

var buildSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "name"},
		{Name: "description"},
		{Name: "sources"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockSource, LabelNames: []string{"reference"}},
		{Type: blockProvisioner, LabelNames: []string{"type"}},
		{Type: blockCleanup, LabelNames: []string{"type"}},
		{Type: blockPostProcessor, LabelNames: []string{"type"}},
		{Type: blockPostProcessors},
		{Type: blockRegistry},
	},
}

var buildSourceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "name"}}}

var provisionerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "name"},
		{Name: "pause_before"},
		{Name: "max_retries"},
		{Name: "timeout"},
		{Name: "only"},
		{Name: "except"},
		{Name: "override"},
	},
}

var postProcessorSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "name"},
		{Name: "only"},
		{Name: "except"},
		{Name: "keep_input_artifact"},
	},
}

var postProcessorsSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: blockPostProcessor, LabelNames: []string{"type"}}},
}

type sourceKey struct{ typ, name string }

func (k sourceKey) String() string { return k.typ + "." + k.name }

// sourceDef is a top-level source block.
type sourceDef struct {
	sourceKey
	block *hcl.Block
}

// sourceUse is a source used by a build: a reference or an in-build
// source block adding attributes and maybe renaming it.
type sourceUse struct {
	sourceKey
	localName string
	addition  hcl.Body
	// body is the source body merged with addition (set by initialize).
	body hcl.Body
	rng  hcl.Range
}

// displayName is the name of the source in this build.
func (u *sourceUse) displayName() string {
	if u.localName != "" {
		return u.localName
	}
	return u.name
}

// String is "type.name", what provisioner only/except match.
func (u *sourceUse) String() string { return u.typ + "." + u.displayName() }

type onlyExcept struct{ only, except []string }

// skip tells whether a component restricted by only/except is left out
// of the build of source use (type.name).
func (o onlyExcept) skip(use string) bool {
	if len(o.only) > 0 {
		for _, v := range o.only {
			if v == use {
				return false
			}
		}
		return true
	}
	for _, v := range o.except {
		if v == use {
			return true
		}
	}
	return false
}

type provisionerDef struct {
	typ, name   string
	pauseBefore time.Duration
	timeout     time.Duration
	maxRetries  int
	onlyExcept
	override map[string]map[string]any
	rest     hcl.Body
	block    *hcl.Block
	kind     string
}

type postProcessorDef struct {
	typ, name string
	onlyExcept
	keep  *bool
	rest  hcl.Body
	block *hcl.Block
}

type buildDef struct {
	name, description string
	sources           []*sourceUse
	provisioners      []*provisionerDef
	cleanup           *provisionerDef
	postProcessors    [][]*postProcessorDef
	block             *hcl.Block
}

// decodeSourcesAndBuilds reads the source and build blocks, dynamic
// blocks expanded.
func (l *loader) decodeSourcesAndBuilds() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range l.expanded(blockSource) {
		k := sourceKey{b.Labels[0], b.Labels[1]}
		if prev, ok := l.sources[k]; ok {
			diags = append(diags, duplicate(blockSource, b, prev.block, "builder type and name"))
			continue
		}
		l.sources[k] = &sourceDef{sourceKey: k, block: b}
	}
	builds := l.expanded(blockBuild)
	l.registryBlocks = l.expanded(blockRegistry)
	for _, b := range builds {
		bd, more := l.decodeBuild(b)
		diags = append(diags, more...)
		if bd != nil {
			l.buildDefs = append(l.buildDefs, bd)
		}
	}
	for _, b := range l.registryBlocks {
		diags = append(diags, registryWarning(b))
	}
	return diags
}

// expanded returns the top-level blocks of a type, in file order, each
// with its body's dynamic blocks expanded in l.ectx: the blocks
// dynblock.Expand of a file's body gives. (A dynamic block at the top
// level is an error of the parse.)
func (l *loader) expanded(typ string) []*hcl.Block {
	out := make([]*hcl.Block, len(l.top[typ]))
	for i, b := range l.top[typ] {
		e := *b
		e.Body = dynblock.Expand(b.Body, l.ectx.NewChild())
		out[i] = &e
	}
	return out
}

func registryWarning(b *hcl.Block) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "hcp_packer_registry has no effect",
		Detail:   "kiln does not publish to HCP Packer: the hcp_packer_registry block is accepted and ignored.",
		Subject:  b.DefRange.Ptr(),
	}
}

// parseSourceRef reads "source.type.name" or "type.name". As in Packer,
// the first part of a longer reference is dropped whatever it is
// ("sources.docker.x" is docker.x), and parts after the name are ignored.
func parseSourceRef(s string) (sourceKey, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return sourceKey{}, false
	}
	if len(parts) > 2 {
		parts = parts[1:]
	}
	if !validIdentifier(parts[0]) || !validIdentifier(parts[1]) {
		return sourceKey{}, false
	}
	return sourceKey{parts[0], parts[1]}, true
}

func invalidSourceRef(rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + blockSource + " reference",
		Detail: "A source reference is made of three parts split by a dot `.`, each starting with a letter and " +
			"containing only letters, digits, underscores, and dashes, e.g. `source.type.name`; the `source.` prefix may be left out.",
		Subject: rng.Ptr(),
	}
}

func (l *loader) decodeBuild(b *hcl.Block) (*buildDef, hcl.Diagnostics) {
	content, diags := b.Body.Content(buildSchema)
	bd := &buildDef{block: b}
	if attr, ok := content.Attributes["name"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &bd.name)...)
	}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &bd.description)...)
	}
	if attr, ok := content.Attributes["sources"]; ok {
		var refs []string
		more := gohcl.DecodeExpression(attr.Expr, l.ectx, &refs)
		diags = append(diags, more...)
		for _, r := range refs {
			k, ok := parseSourceRef(r)
			if !ok {
				diags = append(diags, invalidSourceRef(attr.Expr.Range()))
				continue
			}
			bd.sources = append(bd.sources, &sourceUse{sourceKey: k, rng: attr.Expr.Range()})
		}
	}
	var registry *hcl.Block
	for _, blk := range content.Blocks {
		switch blk.Type {
		case blockSource:
			k, ok := parseSourceRef(blk.Labels[0])
			if !ok {
				diags = append(diags, invalidSourceRef(blk.LabelRanges[0]))
				continue
			}
			sc, rest, more := blk.Body.PartialContent(buildSourceSchema)
			diags = append(diags, more...)
			use := &sourceUse{sourceKey: k, addition: rest, rng: blk.DefRange}
			if attr, ok := sc.Attributes["name"]; ok {
				diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &use.localName)...)
			}
			bd.sources = append(bd.sources, use)
		case blockProvisioner:
			pd, more := l.decodeProvisioner(blk)
			diags = append(diags, more...)
			if pd != nil {
				bd.provisioners = append(bd.provisioners, pd)
			}
		case blockCleanup:
			if bd.cleanup != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Only one " + blockCleanup + " is allowed",
					Detail:   fmt.Sprintf("A build has at most one %s; another one is declared at %s.", blockCleanup, bd.cleanup.block.DefRange),
					Subject:  blk.DefRange.Ptr(),
				})
				continue
			}
			pd, more := l.decodeProvisioner(blk)
			diags = append(diags, more...)
			bd.cleanup = pd
		case blockPostProcessor:
			pp, more := l.decodePostProcessor(blk)
			diags = append(diags, more...)
			if pp != nil {
				bd.postProcessors = append(bd.postProcessors, []*postProcessorDef{pp})
			}
		case blockPostProcessors:
			pc, more := blk.Body.Content(postProcessorsSchema)
			diags = append(diags, more...)
			var chain []*postProcessorDef
			for _, ppb := range pc.Blocks {
				pp, more := l.decodePostProcessor(ppb)
				diags = append(diags, more...)
				if pp != nil {
					chain = append(chain, pp)
				}
			}
			if len(chain) > 0 {
				bd.postProcessors = append(bd.postProcessors, chain)
			}
		case blockRegistry:
			if registry != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Multiple HCP Packer registry block declaration",
					Detail:   "Only one hcp_packer_registry block can be defined.",
					Subject:  blk.DefRange.Ptr(),
				})
				continue
			}
			registry = blk
			diags = append(diags, registryWarning(blk))
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return bd, diags
}

func (l *loader) decodeOnlyExcept(content *hcl.BodyContent) (onlyExcept, hcl.Diagnostics) {
	var oe onlyExcept
	var diags hcl.Diagnostics
	if attr, ok := content.Attributes["only"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &oe.only)...)
	}
	if attr, ok := content.Attributes["except"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &oe.except)...)
		if len(oe.only) > 0 && len(oe.except) > 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "only one of 'only' or 'except' may be specified",
				Subject:  attr.Range.Ptr(),
			})
		}
	}
	return oe, diags
}

func (l *loader) decodeProvisioner(b *hcl.Block) (*provisionerDef, hcl.Diagnostics) {
	content, rest, diags := b.Body.PartialContent(provisionerSchema)
	pd := &provisionerDef{typ: b.Labels[0], rest: rest, block: b, kind: b.Type}
	if attr, ok := content.Attributes["name"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &pd.name)...)
	}
	if attr, ok := content.Attributes["max_retries"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &pd.maxRetries)...)
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"pause_before", &pd.pauseBefore}, {"timeout", &pd.timeout}} {
		attr, ok := content.Attributes[d.name]
		if !ok {
			continue
		}
		var s string
		more := gohcl.DecodeExpression(attr.Expr, l.ectx, &s)
		diags = append(diags, more...)
		if more.HasErrors() || s == "" {
			continue
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Failed to parse " + d.name + " duration",
				Detail:   err.Error(),
				Subject:  attr.Expr.Range().Ptr(),
			})
			continue
		}
		*d.dst = v
	}
	oe, more := l.decodeOnlyExcept(content)
	diags = append(diags, more...)
	pd.onlyExcept = oe
	if attr, ok := content.Attributes["override"]; ok {
		v, more := attr.Expr.Value(l.ectx)
		diags = append(diags, more...)
		if !more.HasErrors() && !v.IsNull() {
			ov, more := decodeOverride(v, attr.Expr.Range())
			diags = append(diags, more...)
			pd.override = ov
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return pd, diags
}

// decodeOverride reads a provisioner's override: an object of objects,
// keyed by source name.
func decodeOverride(v cty.Value, rng hcl.Range) (map[string]map[string]any, hcl.Diagnostics) {
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "provisioner's override block must be an HCL object",
			Subject:  rng.Ptr(),
		}}
	}
	out := map[string]map[string]any{}
	for name, attrs := range v.AsValueMap() {
		if !attrs.Type().IsObjectType() && !attrs.Type().IsMapType() {
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("provisioner's override.'%s' block must be an HCL object", name),
				Subject:  rng.Ptr(),
			}}
		}
		m := map[string]any{}
		for k, a := range attrs.AsValueMap() {
			m[k] = goValue(a)
		}
		out[name] = m
	}
	return out, nil
}

func (l *loader) decodePostProcessor(b *hcl.Block) (*postProcessorDef, hcl.Diagnostics) {
	content, rest, diags := b.Body.PartialContent(postProcessorSchema)
	pp := &postProcessorDef{typ: b.Labels[0], rest: rest, block: b}
	if attr, ok := content.Attributes["name"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, l.ectx, &pp.name)...)
	}
	if attr, ok := content.Attributes["keep_input_artifact"]; ok {
		var keep bool
		more := gohcl.DecodeExpression(attr.Expr, l.ectx, &keep)
		diags = append(diags, more...)
		if !more.HasErrors() {
			pp.keep = &keep
		}
	}
	oe, more := l.decodeOnlyExcept(content)
	diags = append(diags, more...)
	pp.onlyExcept = oe
	if diags.HasErrors() {
		return nil, diags
	}
	return pp, diags
}

// checkComponents reports the builds' unknown component types and
// sources, as Packer does before preparing anything, and merges in-build
// source blocks into the sources they use.
func (l *loader) checkComponents() hcl.Diagnostics {
	var diags hcl.Diagnostics
	builders := components.Names(l.reg.Builders)
	provisioners := components.Names(l.reg.Provisioners)
	pps := components.Names(l.reg.PostProcessors)
	var sources []string
	for k := range l.sources {
		sources = append(sources, k.String())
	}
	for _, bd := range l.buildDefs {
		for _, use := range bd.sources {
			if _, ok := l.reg.Builders[use.typ]; !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown " + blockSource + " type " + use.typ,
					Detail:   unknownDetail("source", use.typ, builders),
					Subject:  use.rng.Ptr(),
				})
				continue
			}
			src, ok := l.sources[use.sourceKey]
			if !ok {
				detail := fmt.Sprintf("Known: %v", sortedStrings(sources))
				if s := suggest(use.sourceKey.String(), sources); s != "" {
					detail = fmt.Sprintf("Did you mean to use %q?", s)
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Unknown " + blockSource + " " + use.sourceKey.String(),
					Detail:   detail,
					Subject:  use.rng.Ptr(),
				})
				continue
			}
			use.body = src.block.Body
			if use.addition != nil {
				use.body = hcl.MergeBodies([]hcl.Body{src.block.Body, use.addition})
			}
		}
		check := func(pd *provisionerDef) {
			if pd == nil {
				return
			}
			if _, ok := l.reg.Provisioners[pd.typ]; !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  fmt.Sprintf("Unknown %s type %q", pd.kind, pd.typ),
					Detail:   unknownDetail(pd.kind, pd.typ, provisioners),
					Subject:  pd.block.LabelRanges[0].Ptr(),
				})
			}
		}
		for _, pd := range bd.provisioners {
			check(pd)
		}
		check(bd.cleanup)
		for _, chain := range bd.postProcessors {
			for _, pp := range chain {
				if _, ok := l.reg.PostProcessors[pp.typ]; !ok {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  fmt.Sprintf("Unknown %s type %q", blockPostProcessor, pp.typ),
						Detail:   unknownDetail(blockPostProcessor, pp.typ, pps),
						Subject:  pp.block.LabelRanges[0].Ptr(),
					})
				}
			}
		}
	}
	return diags
}
