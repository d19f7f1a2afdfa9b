// Package breakpoint is the breakpoint provisioner: it pauses the build
// until the person running it presses enter, to inspect the machine.
package breakpoint

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Config is the breakpoint provisioner's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// Note is shown when pausing.
	Note string `mapstructure:"note"`
	// Disable skips the pause.
	Disable bool `mapstructure:"disable"`
}

// Provisioner is the breakpoint provisioner.
type Provisioner struct {
	config Config
}

var _ sdk.Provisioner = (*Provisioner)(nil)

// ConfigSpec implements sdk.Provisioner.
func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Provisioner.
func (p *Provisioner) Prepare(raws ...any) error {
	var c Config
	if _, err := compconfig.Decode(&c, nil, raws...); err != nil {
		return err
	}
	p.config = c
	return nil
}

// Provision implements sdk.Provisioner: it waits for enter (or ctx).
func (p *Provisioner) Provision(ctx context.Context, ui sdk.Ui, _ sdk.Communicator, _ map[string]any) error {
	if p.config.Disable {
		if p.config.Note != "" {
			ui.Say(fmt.Sprintf("Breakpoint provisioner with note %q disabled; continuing...", p.config.Note))
		} else {
			ui.Say("Breakpoint provisioner disabled; continuing...")
		}
		return nil
	}
	if p.config.Note != "" {
		ui.Say(fmt.Sprintf("Pausing at breakpoint provisioner with note %q.", p.config.Note))
	} else {
		ui.Say("Pausing at breakpoint provisioner.")
	}
	done := make(chan error, 1)
	go func() {
		_, err := ui.Ask("Press enter to continue.")
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("breakpoint: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
