// Package sleep is the sleep provisioner: it waits for a duration.
package sleep

import (
	"context"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Config is the sleep provisioner's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// Duration is how long to sleep, e.g. "30s".
	Duration time.Duration `mapstructure:"duration"`
}

// Provisioner is the sleep provisioner.
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

// Provision implements sdk.Provisioner; cancelling ctx ends the sleep.
func (p *Provisioner) Provision(ctx context.Context, _ sdk.Ui, _ sdk.Communicator, _ map[string]any) error {
	if p.config.Duration <= 0 {
		return nil
	}
	t := time.NewTimer(p.config.Duration)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
