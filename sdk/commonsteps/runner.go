package commonsteps

import (
	"context"
	"fmt"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
)

// NewRunner returns the runner a builder uses for its steps: a debug
// runner that asks before each step when packer_debug is set, a basic
// runner otherwise.
func NewRunner(steps []multistep.Step, cfg sdk.PackerConfig, ui sdk.Ui) multistep.Runner {
	if cfg.PackerDebug && ui != nil {
		return &multistep.DebugRunner{Steps: steps, Pause: func(ctx context.Context, name string, _, _ int) error {
			msg := fmt.Sprintf("Pausing before the next step: %s. Press enter to continue.", name)
			if _, err := ui.Ask(msg); err != nil {
				return fmt.Errorf("debug pause: %w", err)
			}
			return ctx.Err()
		}}
	}
	return &multistep.BasicRunner{Steps: steps}
}
