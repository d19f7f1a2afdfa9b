// Package null is the null builder: it builds nothing, connects to an
// existing machine with a communicator (ssh, none, or kiln's local) and runs
// the build's provisioners there. Its artifact is empty.
package null

import (
	"context"
	"errors"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/communicator"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/sdk/config"
)

// BuilderID is the BuilderId of the null builder's artifact (Packer's).
const BuilderID = "fnoeding.null"

// Config is the null builder's configuration.
type Config struct {
	sdk.PackerConfig    `mapstructure:",squash"`
	communicator.Config `mapstructure:",squash"`
}

// Builder is the null builder.
type Builder struct {
	config Config
}

var _ sdk.Builder = (*Builder)(nil)

// ConfigSpec implements sdk.Builder.
func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Builder.
func (b *Builder) Prepare(raws ...any) ([]string, []string, error) {
	var c Config
	if _, err := compconfig.Decode(&c, nil, raws...); err != nil {
		return nil, nil, err
	}
	var errs compconfig.Errors
	for _, err := range c.Config.Prepare(communicator.TypeLocal) {
		errs.Add(err)
	}
	if c.Type != communicator.TypeNone && c.Type != communicator.TypeLocal {
		if c.Host() == "" {
			errs.Add(errors.New("a Host must be specified, please reference your communicator documentation"))
		}
		if c.User() == "" {
			errs.Add(errors.New("a Username must be specified, please reference your communicator documentation"))
		}
		if !c.SSHAgentAuth && c.Password() == "" && c.SSHPrivateKeyFile == "" {
			errs.Add(errors.New("one authentication method must be specified, please reference your communicator documentation"))
		}
		if (c.SSHAgentAuth && (c.SSHPassword != "" || c.SSHPrivateKeyFile != "")) ||
			(c.SSHPassword != "" && c.SSHPrivateKeyFile != "") {
			errs.Add(errors.New("only one of ssh_agent_auth, ssh_password, and ssh_private_key_file must be specified"))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	b.config = c
	return nil, nil, nil
}

// Run implements sdk.Builder: it connects, fires the provision hook and
// returns the null artifact.
func (b *Builder) Run(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error) {
	state := multistep.NewState()
	multistep.Put(state, commonsteps.KeyUi, ui)
	multistep.Put(state, commonsteps.KeyHook, hook)
	multistep.Put(state, commonsteps.KeyInstanceID, "Null")

	steps := []multistep.Step{
		&communicator.StepConnect{Config: &b.config.Config},
		commonsteps.StepProvision{},
	}
	if err := commonsteps.NewRunner(steps, b.config.PackerConfig, ui).Run(ctx, state); err != nil {
		return nil, err
	}
	return &Artifact{}, nil
}

// Artifact is the null builder's artifact: nothing.
type Artifact struct{}

var _ sdk.Artifact = (*Artifact)(nil)

// BuilderId implements sdk.Artifact.
func (*Artifact) BuilderId() string { return BuilderID } //nolint:revive // the interface's name

// Files implements sdk.Artifact.
func (*Artifact) Files() []string { return []string{} }

// Id implements sdk.Artifact.
func (*Artifact) Id() string { return "Null" } //nolint:revive // the interface's name

// String implements sdk.Artifact.
func (*Artifact) String() string { return "Did not export anything. This is the null builder" }

// State implements sdk.Artifact: generated_data holds only ID, as Packer's.
func (*Artifact) State(name string) any {
	switch name {
	case sdk.StateGeneratedData:
		return map[string]any{sdk.GenID: "Null"}
	case sdk.StateImageMetadata:
		return []sdk.ImageMetadata{{ImageID: "Null", ProviderName: "null", ProviderRegion: "null", SourceImageID: "null"}}
	}
	return nil
}

// Destroy implements sdk.Artifact; there is nothing to destroy.
func (*Artifact) Destroy() error { return nil }
