package hcl2

import (
	"fmt"

	"github.com/gobwas/glob"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/core"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/version"
)

// unknownValue is what build.* attributes hold while components are
// prepared, before the build runs.
const unknownValue = "<unknown>"

// initialize validates variables, evaluates data sources and locals, and
// decodes sources and builds, checking the component types they use.
func (l *loader) initialize() hcl.Diagnostics {
	diags := l.variables.validate(l.funcs)
	for _, v := range l.variables.order {
		if v.sensitive {
			l.scrub(v.value())
			l.sensitive = append(l.sensitive, v.name)
		}
	}
	base := l.baseContext()
	diags = append(diags, l.evaluateLocalsAndData(base)...)
	l.ectx = base.NewChild()
	l.ectx.Variables = map[string]cty.Value{
		"local": cty.ObjectVal(l.localVals),
		"data":  dataObject(l.dataVals),
	}
	// As Packer, go on after errors in variables, locals and data
	// sources, so that one run reports unknown component types too.
	diags = append(diags, l.decodeSourcesAndBuilds()...)
	return append(diags, l.checkComponents()...)
}

// filter is a compiled -only or -except option.
type filter []glob.Glob

func compileFilter(patterns []string, flag string) (filter, hcl.Diagnostics) {
	var f filter
	var diags hcl.Diagnostics
	for _, p := range patterns {
		g, err := glob.Compile(p)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Invalid -%s pattern %q", flag, p),
				Detail:   err.Error(),
			})
			continue
		}
		f = append(f, g)
	}
	return f, diags
}

func (f filter) match(name string) bool {
	for _, g := range f {
		if g.Match(name) {
			return true
		}
	}
	return false
}

// builds prepares the selected builds: each source of each build block
// is a core.Build whose builder, provisioners and post-processors are
// prepared with build.* unknown.
func (l *loader) builds() ([]*core.Build, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	if len(l.buildDefs) == 0 {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Missing build block",
			Detail:   "A build block with one or more sources is required for executing a build.",
		}}
	}
	only, more := compileFilter(l.opts.Only, "only")
	diags = append(diags, more...)
	except, more := compileFilter(l.opts.Except, "except")
	diags = append(diags, more...)
	if diags.HasErrors() {
		return nil, diags
	}

	var out []*core.Build
	var possible []string
	onlyMatches, exceptMatches := 0, 0
	for _, bd := range l.buildDefs {
		for _, use := range bd.sources {
			name := use.String()
			if bd.name != "" {
				name = bd.name + "." + name
			}
			possible = append(possible, name)
			if len(only) > 0 {
				if !only.match(name) {
					continue
				}
				onlyMatches++
			}
			if len(except) > 0 && except.match(name) {
				exceptMatches++
				continue
			}
			b, more := l.prepareBuild(bd, use, name, except, &exceptMatches)
			diags = append(diags, more...)
			if b != nil && !more.HasErrors() {
				out = append(out, b)
			}
		}
	}
	if len(l.opts.Only) > onlyMatches {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "an 'only' option was passed, but not all matches were found for the given build.",
			Detail: fmt.Sprintf("Possible build names: %v.\n"+
				"These could also be matched with a glob pattern like: 'happycloud.*'", possible),
		})
	}
	if len(l.opts.Except) > exceptMatches {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "an 'except' option was passed, but did not match any build.",
			Detail: fmt.Sprintf("Possible build names: %v.\n"+
				"These could also be matched with a glob pattern like: 'happycloud.*'", possible),
		})
	}
	return out, diags
}

// packerConfig returns the packer_* settings of a build's components.
func (l *loader) packerConfig(use *sourceUse) map[string]any {
	onError := l.opts.OnError
	if onError == "" {
		onError = "cleanup"
	}
	return map[string]any{
		sdk.KeyBuildName:   use.name,
		sdk.KeyBuilderType: use.typ,
		sdk.KeyCoreVersion: version.PackerCompat,
		sdk.KeyDebug:       l.opts.Debug,
		sdk.KeyForce:       l.opts.Force,
		sdk.KeyOnError:     onError,
	}
}

func (l *loader) prepareBuild(bd *buildDef, use *sourceUse, name string, except filter, exceptMatches *int) (*core.Build, hcl.Diagnostics) {
	mk := l.reg.Builders[use.typ]
	builder := mk()
	ectx := l.ectx.NewChild()
	ectx.Variables = map[string]cty.Value{
		"source": cty.ObjectVal(map[string]cty.Value{
			"type": cty.StringVal(use.typ),
			"name": cty.StringVal(use.displayName()),
		}),
	}
	decoded, diags := hcldec.Decode(use.body, builder.ConfigSpec(), ectx)
	if diags.HasErrors() {
		return nil, diags
	}
	pc := l.packerConfig(use)
	generated, warnings, err := builder.Prepare(pc, decoded)
	for _, w := range warnings {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  w,
			Subject:  l.sources[use.sourceKey].block.DefRange.Ptr(),
		})
	}
	if err != nil {
		return nil, append(diags, multiError(config.Diagnostics(err, use.body))...)
	}

	placeholders := map[string]cty.Value{}
	for _, k := range sdk.CommonGeneratedKeys {
		placeholders[k] = cty.StringVal(unknownValue)
	}
	for _, k := range generated {
		placeholders[k] = cty.StringVal(unknownValue)
	}
	placeholders["name"] = cty.StringVal(bd.name)
	pctx := ectx.NewChild()
	pctx.Variables = map[string]cty.Value{"build": cty.ObjectVal(placeholders)}

	cpc := make(map[string]any, len(pc)+1)
	for k, v := range pc {
		cpc[k] = v
	}
	cpc[sdk.KeySensitiveVars] = l.sensitive

	b := &core.Build{
		Name:          name,
		Type:          use.typ,
		SourceName:    use.name,
		Builder:       builder,
		GeneratedVars: generated,
	}
	for _, pd := range bd.provisioners {
		if pd.skip(use.String()) {
			continue
		}
		p, more := l.prepareProvisioner(pd, use, cpc, pctx, placeholders)
		diags = append(diags, more...)
		b.Provisioners = append(b.Provisioners, p)
	}
	if bd.cleanup != nil && !bd.cleanup.skip(use.String()) {
		p, more := l.prepareProvisioner(bd.cleanup, use, cpc, pctx, placeholders)
		diags = append(diags, more...)
		b.ErrorCleanupProvisioner = p
	}
	for _, chain := range bd.postProcessors {
		var pps []*core.PostProcessor
		for _, ppd := range chain {
			if ppd.skip(use.String()) {
				continue
			}
			n := ppd.name
			if n == "" {
				n = ppd.typ
			}
			if except.match(n) {
				*exceptMatches++
				break
			}
			pp, more := l.preparePostProcessor(ppd, cpc, pctx, placeholders)
			diags = append(diags, more...)
			pps = append(pps, pp)
		}
		if len(pps) > 0 {
			b.PostProcessors = append(b.PostProcessors, pps)
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return b, diags
}

// runContext returns the context a component body is re-decoded in at
// run time: build.* holds the generated data, placeholders filling the
// keys it lacks.
func runContext(pctx *hcl.EvalContext, placeholders map[string]cty.Value, generated map[string]any) *hcl.EvalContext {
	vals := make(map[string]cty.Value, len(placeholders)+len(generated))
	for k, v := range placeholders {
		vals[k] = v
	}
	for k, v := range generated {
		vals[k] = ctyValue(v)
	}
	c := pctx.NewChild()
	c.Variables = map[string]cty.Value{"build": cty.ObjectVal(vals)}
	return c
}

// multiError words a builder's or data source's problems as Packer prints
// the error they return ("N error(s) occurred:" and "* problem"), keeping
// each one's location.
func multiError(inner hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(inner))
	for i, d := range inner {
		c := *d
		c.Summary = fmt.Sprintf("%d error(s) occurred:", len(inner))
		c.Detail = "* " + d.Detail
		out[i] = &c
	}
	return out
}

// failedPreparing wraps a component's problems as Packer words them,
// keeping each one's location.
func failedPreparing(kind, typ, name string, inner hcl.Diagnostics, block *hcl.Block) hcl.Diagnostics {
	out := make(hcl.Diagnostics, 0, len(inner))
	for _, d := range inner {
		if d.Severity != hcl.DiagError {
			out = append(out, d)
			continue
		}
		detail := d.Summary
		if d.Detail != "" {
			detail += ": " + d.Detail
		}
		subject := d.Subject
		if subject == nil {
			subject = block.DefRange.Ptr()
		}
		out = append(out, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Failed preparing %s-block %q %q", kind, typ, name),
			Detail:   detail,
			Subject:  subject,
			Context:  d.Context,
		})
	}
	return out
}

func (l *loader) prepareProvisioner(pd *provisionerDef, use *sourceUse, pc map[string]any, pctx *hcl.EvalContext, placeholders map[string]cty.Value) (*core.Provisioner, hcl.Diagnostics) {
	mk := l.reg.Provisioners[pd.typ]
	override := pd.override[use.displayName()]
	configure := func(ectx *hcl.EvalContext) (sdk.Provisioner, hcl.Diagnostics) {
		p := mk()
		decoded, diags := hcldec.Decode(pd.rest, p.ConfigSpec(), ectx)
		if diags.HasErrors() {
			return nil, failedPreparing(blockProvisioner, pd.typ, pd.name, diags, pd.block)
		}
		raws := []any{pc, decoded}
		if override != nil {
			raws = append(raws, override)
		}
		if err := p.Prepare(raws...); err != nil {
			return nil, failedPreparing(blockProvisioner, pd.typ, pd.name, config.Diagnostics(err, pd.rest), pd.block)
		}
		return p, diags
	}
	_, diags := configure(pctx)
	return &core.Provisioner{
		Type:        pd.typ,
		Name:        pd.name,
		PauseBefore: pd.pauseBefore,
		MaxRetries:  pd.maxRetries,
		Timeout:     pd.timeout,
		Configure: func(generated map[string]any) (sdk.Provisioner, error) {
			p, diags := configure(runContext(pctx, placeholders, generated))
			if diags.HasErrors() {
				return nil, diags
			}
			return p, nil
		},
	}, diags
}

func (l *loader) preparePostProcessor(ppd *postProcessorDef, pc map[string]any, pctx *hcl.EvalContext, placeholders map[string]cty.Value) (*core.PostProcessor, hcl.Diagnostics) {
	mk := l.reg.PostProcessors[ppd.typ]
	configure := func(ectx *hcl.EvalContext) (sdk.PostProcessor, hcl.Diagnostics) {
		p := mk()
		decoded, diags := hcldec.Decode(ppd.rest, p.ConfigSpec(), ectx)
		if diags.HasErrors() {
			return nil, failedPreparing(blockPostProcessor, ppd.typ, ppd.name, diags, ppd.block)
		}
		if err := p.Configure(pc, decoded); err != nil {
			return nil, failedPreparing(blockPostProcessor, ppd.typ, ppd.name, config.Diagnostics(err, ppd.rest), ppd.block)
		}
		return p, diags
	}
	_, diags := configure(pctx)
	return &core.PostProcessor{
		Type:              ppd.typ,
		Name:              ppd.name,
		KeepInputArtifact: ppd.keep,
		Configure: func(generated map[string]any) (sdk.PostProcessor, error) {
			p, diags := configure(runContext(pctx, placeholders, generated))
			if diags.HasErrors() {
				return nil, diags
			}
			return p, nil
		},
	}, diags
}
