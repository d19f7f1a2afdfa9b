package docker

import (
	"context"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Builder is the docker builder.
type Builder struct {
	// Driver is the engine to use; nil means the Engine API driver of
	// the environment (DOCKER_HOST or the local socket).
	Driver Driver

	config Config
}

var _ sdk.Builder = (*Builder)(nil)

// New returns a docker builder.
func New() sdk.Builder { return &Builder{} }

// ConfigSpec implements sdk.Builder.
func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Builder.
func (b *Builder) Prepare(raws ...any) ([]string, []string, error) {
	var c Config
	warnings, err := c.prepare(raws...)
	if err != nil {
		return nil, warnings, err
	}
	b.config = c
	return []string{GenImageSha256, GenSourceImageDigest, GenSourceImageSha256}, warnings, nil
}

// Config returns the prepared configuration.
func (b *Builder) Config() *Config { return &b.config }

// steps returns the step sequence for the configuration (Packer's order).
func (b *Builder) steps() []multistep.Step {
	steps := []multistep.Step{StepDefaultGeneratedData{}, StepTempDir{}}
	if b.config.Build != nil {
		steps = append(steps, StepBuild{})
	} else {
		steps = append(steps, StepPull{})
	}
	steps = append(steps, StepRun{}, StepConnect{}, commonsteps.StepProvision{})
	switch {
	case b.config.Commit:
		steps = append(steps, StepSetDefaults{}, StepCommit{})
	case b.config.ExportPath != "":
		steps = append(steps, StepExport{})
	}
	return steps
}

// Run implements sdk.Builder. After cancellation it returns no artifact
// and an error wrapping ctx.Err().
func (b *Builder) Run(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error) {
	drv := b.Driver
	if drv == nil {
		d, err := NewEngineDriver()
		if err != nil {
			return nil, err
		}
		drv = d
	}
	state := multistep.NewState()
	multistep.Put(state, KeyConfig, &b.config)
	multistep.Put(state, KeyDriver, drv)
	multistep.Put(state, commonsteps.KeyUi, ui)
	multistep.Put(state, commonsteps.KeyHook, hook)

	runner := commonsteps.NewRunner(b.steps(), b.config.PackerConfig, ui)
	if err := runner.Run(ctx, state); err != nil {
		return nil, err
	}

	generated, _ := multistep.Get(state, commonsteps.KeyGeneratedData)
	stateData := map[string]any{sdk.StateGeneratedData: generated}
	if b.config.Commit {
		return &ImportArtifact{
			BuilderIdValue: BuilderIdImport,
			IdValue:        multistep.MustGet(state, KeyImageID),
			Driver:         drv,
			StateData:      stateData,
		}, nil
	}
	return &ExportArtifact{Path: b.config.ExportPath, StateData: stateData}, nil
}
