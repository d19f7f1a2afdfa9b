// Package shelllocal is the shell-local post-processor: it runs commands
// or scripts on the machine kiln runs on once an artifact exists, with the
// artifact's generated data, and passes the artifact on unchanged.
package shelllocal

import (
	"context"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/postprocessor/internal/generated"
	sl "github.com/kilnbuild/kiln/provisioner/shelllocal"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Config is the shell-local post-processor's configuration, the same as
// the provisioner's.
type Config = sl.Config

// PostProcessor is the shell-local post-processor.
type PostProcessor struct {
	config Config
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// ConfigSpec implements sdk.PostProcessor.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Configure implements sdk.PostProcessor. A single-element
// execute_command (the post-processor's old string form) is run with
// "sh -c".
func (p *PostProcessor) Configure(raws ...any) error {
	var c Config
	if err := sl.DecodeOnly(&c, raws...); err != nil {
		return err
	}
	if len(c.ExecuteCommand) == 1 {
		c.ExecuteCommand = []string{"sh", "-c", c.ExecuteCommand[0]}
	}
	if err := sl.Validate(&c); err != nil {
		return err
	}
	p.config = c
	return nil
}

// PostProcess implements sdk.PostProcessor: it returns its input, kept.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	if _, err := sl.Run(ctx, ui, &p.config, generated.Data(in)); err != nil {
		return nil, false, false, err
	}
	return in, true, true, nil
}
