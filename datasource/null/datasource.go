// Package null is the null data source: its output is its input. Templates
// use it to test data-source evaluation and to order it.
package null

import (
	"context"
	"errors"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/zclconf/go-cty/cty"
)

// Config is the null data source's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// Input is returned as the output.
	Input string `mapstructure:"input" required:"true"`
}

// Output is what the data source returns.
type Output struct {
	Output string `mapstructure:"output"`
}

// Datasource is the null data source.
type Datasource struct {
	config Config
}

var _ sdk.Datasource = (*Datasource)(nil)

// ConfigSpec implements sdk.Datasource.
func (d *Datasource) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// OutputSpec implements sdk.Datasource.
func (d *Datasource) OutputSpec() hcldec.ObjectSpec { return config.Spec(&Output{}) }

// Configure implements sdk.Datasource.
func (d *Datasource) Configure(raws ...any) error {
	var c Config
	if _, err := compconfig.Decode(&c, nil, raws...); err != nil {
		return err
	}
	if c.Input == "" {
		return &config.FieldError{Path: "input", Err: errors.New("the `input` must be specified")}
	}
	d.config = c
	return nil
}

// Execute implements sdk.Datasource.
func (d *Datasource) Execute(context.Context) (cty.Value, error) {
	return cty.ObjectVal(map[string]cty.Value{"output": cty.StringVal(d.config.Input)}), nil
}
