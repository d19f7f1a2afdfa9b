package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// InitOptions are the flags and argument of `kiln init`.
type InitOptions struct {
	Template string
	Upgrade  bool
	Force    bool
}

func newInitCmd(f *Factory) *cobra.Command {
	return newInitCmdWith(f, runInit)
}

func newInitCmdWith(f *Factory, run func(context.Context, *Factory, *InitOptions) error) *cobra.Command {
	o := &InitOptions{}
	c := &cobra.Command{
		Use:   "init [options] TEMPLATE",
		Short: "Install missing plugins or upgrade plugins",
		Long: `Checks the plugins a template requires (packer { required_plugins {} }).
kiln's components are compiled in: required plugins that kiln provides are
reported as satisfied, and the others are named as not available. init never
downloads anything.`,
		Args: templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	fs.BoolVar(&o.Upgrade, "upgrade", false, "On top of installing missing plugins, update installed plugins to the latest available version, if there is a new higher one. Accepted for compatibility.")
	fs.BoolVar(&o.Force, "force", false, "Forces reinstallation of plugins, even if already installed. Accepted for compatibility.")
	return c
}

func runInit(context.Context, *Factory, *InitOptions) error { return errNotAvailable }
