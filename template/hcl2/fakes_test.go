package hcl2_test

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Fake components, registered only in tests, decoding their configuration
// with sdk/config as real components do.

type fakeBuilderConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Image            string            `mapstructure:"image" required:"true"`
	Commit           bool              `mapstructure:"commit"`
	Discard          bool              `mapstructure:"discard"`
	Changes          []string          `mapstructure:"changes"`
	Labels           map[string]string `mapstructure:"labels"`
	RunCommand       []string          `mapstructure:"run_command"`
	Timeout          time.Duration     `mapstructure:"timeout"`
	Mount            []struct {
		Source string `mapstructure:"source" required:"true"`
		Target string `mapstructure:"target"`
	} `mapstructure:"mount"`
}

type fakeBuilder struct{ cfg fakeBuilderConfig }

func (b *fakeBuilder) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&fakeBuilderConfig{}) }

func (b *fakeBuilder) Prepare(raws ...any) ([]string, []string, error) {
	if err := config.Decode(&b.cfg, nil, raws...); err != nil {
		return nil, nil, err
	}
	var warns []string
	if b.cfg.Commit && b.cfg.Discard {
		return nil, nil, &config.FieldError{Path: "discard", Err: errors.New("commit and discard cannot both be true")}
	}
	if b.cfg.Image == "warn" {
		warns = append(warns, "image warn is deprecated")
	}
	return []string{"ImageSha256"}, warns, nil
}

func (b *fakeBuilder) Run(context.Context, sdk.Ui, sdk.Hook) (sdk.Artifact, error) { return nil, nil }

type fakeShellConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Inline           []string `mapstructure:"inline"`
	Script           string   `mapstructure:"script"`
	EnvironmentVars  []string `mapstructure:"environment_vars"`
}

type fakeShell struct{ cfg fakeShellConfig }

func (p *fakeShell) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&fakeShellConfig{}) }

func (p *fakeShell) Prepare(raws ...any) error {
	if err := config.Decode(&p.cfg, nil, raws...); err != nil {
		return err
	}
	if len(p.cfg.Inline) == 0 && p.cfg.Script == "" {
		return &config.FieldError{Path: "inline", Err: errors.New("either inline or script must be specified")}
	}
	return nil
}

func (p *fakeShell) Provision(context.Context, sdk.Ui, sdk.Communicator, map[string]any) error {
	return nil
}

type fakePPConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Output           string `mapstructure:"output"`
}

type fakePP struct{ cfg fakePPConfig }

func (p *fakePP) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&fakePPConfig{}) }

func (p *fakePP) Configure(raws ...any) error { return config.Decode(&p.cfg, nil, raws...) }

func (p *fakePP) PostProcess(_ context.Context, _ sdk.Ui, a sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	return a, true, false, nil
}

type fakeDataConfig struct {
	URL string `mapstructure:"url" required:"true"`
}

type fakeData struct {
	cfg      fakeDataConfig
	executed *int
}

func (d *fakeData) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&fakeDataConfig{}) }

func (d *fakeData) OutputSpec() hcldec.ObjectSpec {
	return hcldec.ObjectSpec{"body": &hcldec.AttrSpec{Name: "body", Type: cty.String}}
}

func (d *fakeData) Configure(raws ...any) error { return config.Decode(&d.cfg, nil, raws...) }

func (d *fakeData) Execute(context.Context) (cty.Value, error) {
	if d.executed != nil {
		*d.executed++
	}
	return cty.ObjectVal(map[string]cty.Value{"body": cty.StringVal("fetched " + d.cfg.URL)}), nil
}

// recorder keeps the components the registry built, to look at their
// decoded configuration.
type recorder struct {
	builders   []*fakeBuilder
	shells     []*fakeShell
	pps        []*fakePP
	executions int
}

func (r *recorder) registry() *components.Registry {
	return &components.Registry{
		Builders: map[string]func() sdk.Builder{
			"docker": func() sdk.Builder { b := &fakeBuilder{}; r.builders = append(r.builders, b); return b },
			"null":   func() sdk.Builder { b := &fakeBuilder{}; r.builders = append(r.builders, b); return b },
		},
		Provisioners: map[string]func() sdk.Provisioner{
			"shell":       func() sdk.Provisioner { p := &fakeShell{}; r.shells = append(r.shells, p); return p },
			"shell-local": func() sdk.Provisioner { p := &fakeShell{}; r.shells = append(r.shells, p); return p },
		},
		PostProcessors: map[string]func() sdk.PostProcessor{
			"manifest":   func() sdk.PostProcessor { p := &fakePP{}; r.pps = append(r.pps, p); return p },
			"docker-tag": func() sdk.PostProcessor { p := &fakePP{}; r.pps = append(r.pps, p); return p },
		},
		Datasources: map[string]func() sdk.Datasource{
			"http": func() sdk.Datasource { return &fakeData{executed: &r.executions} },
		},
	}
}
