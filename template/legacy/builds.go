package legacy

import (
	"context"
	"fmt"
	"maps"
	"strconv"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/core"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// BuildOptions are what builds are made with.
type BuildOptions struct {
	// Only and Except select builds by exact name. Except also drops the
	// post-processors it names, and the rest of their chain.
	Only, Except []string
	// Debug, Force and OnError become packer_debug, packer_force and
	// packer_on_error.
	Debug   bool
	Force   bool
	OnError string
	// Registry gives the component constructors.
	Registry *components.Registry
}

// GetBuilds makes the selected builds, sorted by name, and prepares every
// component, as Packer's validate and build do. A build that cannot be
// made or prepared is reported and left out; the others are returned.
// Initialize must have succeeded.
func (c *Config) GetBuilds(ctx context.Context, opts BuildOptions) ([]*core.Build, hcl.Diagnostics) {
	var builds []*core.Build
	var diags hcl.Diagnostics
	for _, n := range c.BuildNames(opts.Only, opts.Except) {
		if err := ctx.Err(); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cancelled", Detail: err.Error()})
			break
		}
		jb, err := c.newBuild(n, opts)
		if err != nil {
			diags = append(diags, c.locate(fmt.Sprintf("Failed to initialize build %q", n), err)...)
			continue
		}
		b, warnings, err := jb.prepare()
		if err != nil {
			diags = append(diags, c.locate(fmt.Sprintf("Failed to prepare build: %q", n), err)...)
			continue
		}
		builds = append(builds, b)
		for _, w := range warnings {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  fmt.Sprintf("Warning when preparing build: %q", n),
				Detail:   w,
			})
		}
	}
	return builds, diags
}

// jsonBuild is one build before it is prepared.
type jsonBuild struct {
	c       *Config
	name    string // the build name: raw builder name, rendered
	builder *Builder
	newB    func() sdk.Builder
	provs   []*jsonProvisioner
	cleanup *jsonProvisioner
	pps     [][]*jsonPostProcessor
	opts    BuildOptions
}

type jsonProvisioner struct {
	raw        *Provisioner
	config     map[string]any // configuration with this build's override
	newP       func() sdk.Provisioner
	maxRetries int
}

type jsonPostProcessor struct {
	raw  *PostProcessor
	newP func() sdk.PostProcessor
}

// newBuild looks the build's components up, as Packer's Core.Build does:
// errors are about components that do not exist and max_retries values.
func (c *Config) newBuild(n string, opts BuildOptions) (*jsonBuild, error) {
	reg := opts.Registry
	if reg == nil {
		reg = components.Default()
	}
	b, ok := c.Builds[n]
	if !ok {
		return nil, fmt.Errorf("no such build found: %s", n)
	}
	newB, ok := reg.Builders[b.Type]
	if !ok || newB == nil {
		return nil, &componentError{[]string{b.Where}, fmt.Errorf("error initializing builder '%s': Unknown builder %s", b.Type, b.Type)}
	}
	jb := &jsonBuild{c: c, name: n, builder: b, newB: newB, opts: opts}
	rawName := b.Name
	for _, p := range c.Template.Provisioners {
		if p.Skip(rawName) {
			continue
		}
		jp, err := c.newProvisioner(p, rawName, reg)
		if err != nil {
			return nil, err
		}
		jb.provs = append(jb.provs, jp)
	}
	if p := c.Template.CleanupProvisioner; p != nil {
		jp, err := c.newProvisioner(p, rawName, reg)
		if err != nil {
			return nil, err
		}
		jb.cleanup = jp
	}
	for _, chain := range c.Template.PostProcessors {
		var cur []*jsonPostProcessor
		for _, pp := range chain {
			if pp.Skip(rawName) {
				continue
			}
			if pp.Name != "" && contains(opts.Except, pp.Name) {
				// -except drops this post-processor and the rest of
				// its chain.
				break
			}
			newP, ok := reg.PostProcessors[pp.Type]
			if !ok || newP == nil {
				return nil, &componentError{[]string{pp.Where}, fmt.Errorf("error initializing post-processor '%s': Unknown post-processor %s", pp.Type, pp.Type)}
			}
			cur = append(cur, &jsonPostProcessor{raw: pp, newP: newP})
		}
		if len(cur) > 0 {
			jb.pps = append(jb.pps, cur)
		}
	}
	return jb, nil
}

func (c *Config) newProvisioner(p *Provisioner, rawName string, reg *components.Registry) (*jsonProvisioner, error) {
	newP, ok := reg.Provisioners[p.Type]
	if !ok || newP == nil {
		return nil, &componentError{[]string{p.Where}, fmt.Errorf("error initializing provisioner '%s': Unknown provisioner %s", p.Type, p.Type)}
	}
	jp := &jsonProvisioner{raw: p, newP: newP, config: maps.Clone(p.Config)}
	if ov, ok := p.Override[rawName]; ok {
		if m, ok := ov.(map[string]any); ok {
			if jp.config == nil {
				jp.config = map[string]any{}
			}
			maps.Copy(jp.config, m)
		}
	}
	if p.MaxRetries != "" {
		s, err := interpolate.Render(p.MaxRetries, c.context())
		if err != nil {
			return nil, &componentError{[]string{p.Where + ".max_retries"}, fmt.Errorf("failed to interpolate `max_retries`: %w", err)}
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, &componentError{[]string{p.Where + ".max_retries"}, fmt.Errorf("`max_retries` must be a valid integer: %w", err)}
		}
		jp.maxRetries = n
	}
	return jp, nil
}

// packerConfig is the packer_* configuration every component of the build
// receives.
func (jb *jsonBuild) packerConfig() map[string]any {
	sensitive := append([]string{}, jb.c.Template.SensitiveVariables...)
	return map[string]any{
		sdk.KeyBuildName:     jb.name,
		sdk.KeyBuilderType:   jb.builder.Type,
		sdk.KeyCoreVersion:   jb.c.CoreVersion,
		sdk.KeyDebug:         jb.opts.Debug,
		sdk.KeyForce:         jb.opts.Force,
		sdk.KeyOnError:       jb.opts.OnError,
		sdk.KeyTemplatePath:  jb.c.Template.Path,
		sdk.KeyUserVariables: maps.Clone(jb.c.Variables),
		sdk.KeySensitiveVars: sensitive,
	}
}

// context is the interpolation context of the build's components; data is
// the dot value (nil for the builder, generated data for the others).
func (jb *jsonBuild) context(data any) *interpolate.Context {
	ctx := jb.c.context()
	ctx.BuildName = jb.name
	ctx.BuildType = jb.builder.Type
	ctx.Data = data
	return ctx
}

// prepare interpolates and prepares every component, as Packer's
// CoreBuild.Prepare does (the first failure ends it), and returns the
// build for core.
func (jb *jsonBuild) prepare() (*core.Build, []string, error) {
	pc := jb.packerConfig()
	where := []string{jb.builder.Where}
	cfg, err := interpolate.RenderMap(orEmpty(jb.builder.Config), jb.context(nil))
	if err != nil {
		return nil, nil, &componentError{where, err}
	}
	builder := jb.newB()
	generatedVars, warnings, err := builder.Prepare(cfg, pc)
	if err != nil {
		return nil, nil, &componentError{where, err}
	}
	placeholders := interpolate.PlaceholderData(generatedVars)

	b := &core.Build{
		Name:          jb.name,
		Type:          jb.builder.Type,
		SourceName:    jb.name,
		Builder:       builder,
		GeneratedVars: generatedVars,
	}
	if jb.builder.Name != jb.builder.Type {
		b.Name = jb.builder.Type + "." + jb.name
	}
	for _, jp := range jb.provs {
		cp, err := jb.coreProvisioner(jp, placeholders, pc)
		if err != nil {
			return nil, nil, err
		}
		b.Provisioners = append(b.Provisioners, cp)
	}
	if jb.cleanup != nil {
		cp, err := jb.coreProvisioner(jb.cleanup, placeholders, pc)
		if err != nil {
			return nil, nil, err
		}
		b.ErrorCleanupProvisioner = cp
	}
	for _, chain := range jb.pps {
		var cur []*core.PostProcessor
		for _, jpp := range chain {
			cpp, err := jb.corePostProcessor(jpp, placeholders, pc)
			if err != nil {
				return nil, nil, err
			}
			cur = append(cur, cpp)
		}
		b.PostProcessors = append(b.PostProcessors, cur)
	}
	return b, warnings, nil
}

func (jb *jsonBuild) coreProvisioner(jp *jsonProvisioner, placeholders map[string]any, pc map[string]any) (*core.Provisioner, error) {
	configure := func(generated map[string]any) (sdk.Provisioner, error) {
		cfg, err := interpolate.RenderMap(orEmpty(jp.config), jb.context(generated))
		if err != nil {
			return nil, err
		}
		p := jp.newP()
		if err := p.Prepare(cfg, maps.Clone(pc)); err != nil {
			return nil, err
		}
		return p, nil
	}
	// Prepare once now, with placeholders, to report configuration errors
	// before anything runs.
	if _, err := configure(placeholders); err != nil {
		w := jp.raw.Where
		return nil, &componentError{[]string{w, w + ".override." + jb.builder.Name}, err}
	}
	return &core.Provisioner{
		Type:        jp.raw.Type,
		PauseBefore: jp.raw.PauseBefore,
		MaxRetries:  jp.maxRetries,
		Timeout:     jp.raw.Timeout,
		Configure:   configure,
	}, nil
}

func (jb *jsonBuild) corePostProcessor(jpp *jsonPostProcessor, placeholders map[string]any, pc map[string]any) (*core.PostProcessor, error) {
	configure := func(generated map[string]any) (sdk.PostProcessor, error) {
		cfg, err := interpolate.RenderMap(orEmpty(jpp.raw.Config), jb.context(generated))
		if err != nil {
			return nil, err
		}
		p := jpp.newP()
		if err := p.Configure(cfg, maps.Clone(pc)); err != nil {
			return nil, err
		}
		return p, nil
	}
	if _, err := configure(placeholders); err != nil {
		return nil, &componentError{[]string{jpp.raw.Where}, err}
	}
	return &core.PostProcessor{
		Type:              jpp.raw.Type,
		Name:              jpp.raw.Name,
		KeepInputArtifact: jpp.raw.KeepInputArtifact,
		Configure:         configure,
	}, nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
