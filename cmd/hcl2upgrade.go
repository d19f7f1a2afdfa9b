package cmd

import (
	"context"

	"github.com/spf13/cobra"
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

func runHCL2Upgrade(context.Context, *Factory, *HCL2UpgradeOptions) error { return errNotAvailable }
