package cmd

import (
	"context"
	"errors"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// The test binary, also run as "kiln" by the scripts, resolves the
// component types kiln does not provide yet to fakes, so that scripts
// can validate realistic templates.
func init() {
	componentRegistry = func() *components.Registry {
		r := components.Default()
		if _, ok := r.Builders["docker"]; !ok {
			r.Builders["docker"] = func() sdk.Builder { return &fakeBuilder{} }
		}
		if _, ok := r.Provisioners["shell"]; !ok {
			r.Provisioners["shell"] = func() sdk.Provisioner { return &fakeProvisioner{} }
		}
		return r
	}
}

type fakeBuilderConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Image            string   `mapstructure:"image" required:"true"`
	Commit           bool     `mapstructure:"commit"`
	Discard          bool     `mapstructure:"discard"`
	Changes          []string `mapstructure:"changes"`
}

type fakeBuilder struct{ cfg fakeBuilderConfig }

func (b *fakeBuilder) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&fakeBuilderConfig{}) }

func (b *fakeBuilder) Prepare(raws ...any) ([]string, []string, error) {
	if err := config.Decode(&b.cfg, nil, raws...); err != nil {
		return nil, nil, err
	}
	if b.cfg.Commit && b.cfg.Discard {
		return nil, nil, &config.FieldError{Path: "discard", Err: errors.New("commit and discard cannot both be set")}
	}
	return []string{"ImageSha256"}, nil, nil
}

func (b *fakeBuilder) Run(context.Context, sdk.Ui, sdk.Hook) (sdk.Artifact, error) {
	return nil, errors.New("fake builder")
}

type fakeProvisionerConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Inline           []string `mapstructure:"inline"`
	EnvironmentVars  []string `mapstructure:"environment_vars"`
}

type fakeProvisioner struct{ cfg fakeProvisionerConfig }

func (p *fakeProvisioner) ConfigSpec() hcldec.ObjectSpec {
	return config.Spec(&fakeProvisionerConfig{})
}

func (p *fakeProvisioner) Prepare(raws ...any) error { return config.Decode(&p.cfg, nil, raws...) }

func (p *fakeProvisioner) Provision(context.Context, sdk.Ui, sdk.Communicator, map[string]any) error {
	return errors.New("fake provisioner")
}
