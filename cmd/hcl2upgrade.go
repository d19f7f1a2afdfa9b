package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template/legacy"
)

// HCL2UpgradeOptions are the flags and argument of `kiln hcl2_upgrade`.
type HCL2UpgradeOptions struct {
	Template        string
	OutputFile      string
	WithAnnotations bool
}

func newHCL2UpgradeCmd(f *Factory) *cobra.Command {
	return newHCL2UpgradeCmdWith(f, runHCL2Upgrade)
}

func newHCL2UpgradeCmdWith(f *Factory, run func(context.Context, *Factory, *HCL2UpgradeOptions) error) *cobra.Command {
	o := &HCL2UpgradeOptions{}
	c := &cobra.Command{
		Use:   "hcl2_upgrade [options] TEMPLATE",
		Short: "transform a JSON template into an HCL2 configuration",
		Long:  `Will transform your JSON template into an HCL2 configuration.`,
		Args:  templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.OutputFile, "output-file", "", "File where to put the hcl2 generated config. Defaults to JSON_TEMPLATE.pkr.hcl")
	placeholder(fs, "output-file", "=path")
	fs.BoolVar(&o.WithAnnotations, "with-annotations", false, "Add helper annotation comments to the file to help new HCL2 users")
	return c
}

// runHCL2Upgrade writes the HCL2 translation of a JSON template, as
// Packer's hcl2_upgrade does: the output file is created first (and left
// empty if the template cannot be read), problems are reported as errors,
// and the exit code is 1 when a part of the template could not be
// translated.
func runHCL2Upgrade(_ context.Context, f *Factory, o *HCL2UpgradeOptions) error {
	ui := f.Ui(uiOptions{})
	out := o.OutputFile
	if out == "" {
		out = o.Template + ".pkr.hcl"
	}
	fail := &exitStatus{code: exitError}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		ui.Error(fmt.Sprintf("Failed to create output directory: %v", err))
		return fail
	}
	file, err := os.Create(out)
	if err != nil {
		ui.Error(fmt.Sprintf("Failed to create output file: %v", err))
		return fail
	}
	defer file.Close()
	if o.WithAnnotations {
		if _, err := file.WriteString(legacy.UpgradeHeader); err != nil {
			ui.Error(fmt.Sprintf("Failed to write to file: %v", err))
			return fail
		}
	}
	reg := components.Default()
	res, err := legacy.UpgradeFile(o.Template, legacy.UpgradeOptions{
		WithAnnotations: o.WithAnnotations,
		HasBuilder: func(typ string) bool {
			_, ok := reg.Builders[typ]
			return ok
		},
		Getenv: f.getenv,
	})
	if err != nil {
		ui.Error(legacy.ParseFailedSummary + " \nOriginal error: " + err.Error())
		ui.Error("Failed to get config from JSON")
		return fail
	}
	for _, m := range res.Messages {
		ui.Error(m)
	}
	if _, err := file.Write(res.HCL); err != nil {
		ui.Error(fmt.Sprintf("Failed to write to file: %v", err))
		return fail
	}
	code := exitOK
	if res.Failed {
		code = exitError
	}
	ui.Say(fmt.Sprintf("Successfully created %s. Exit %d", out, code))
	if code != exitOK {
		return &exitStatus{code: code}
	}
	return nil
}
