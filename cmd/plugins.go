package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// PluginsOptions are the flags and arguments of the `kiln plugins` subcommands.
type PluginsOptions struct {
	Action string // installed, required, install, remove
	Args   []string
	Path   string
	Force  bool
}

func newPluginsCmd(f *Factory) *cobra.Command {
	return newPluginsCmdWith(f, runPlugins)
}

func newPluginsCmdWith(f *Factory, run func(context.Context, *Factory, *PluginsOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:     "plugins",
		Aliases: []string{"plugin"},
		Short:   "Interact with Packer plugins and catalog",
		Long: `kiln compiles its components in: there are no plugin binaries to manage.
These subcommands answer as Packer's do, for the components kiln provides.`,
	}
	sub := func(use, short string, nargs func(int) bool, usage string) *cobra.Command {
		o := &PluginsOptions{}
		s := &cobra.Command{
			Use:   use,
			Short: short,
			Long:  short + ".",
			Args: func(_ *cobra.Command, args []string) error {
				if !nargs(len(args)) {
					return usageErrorf("%s", usage)
				}
				return nil
			},
			RunE: func(c *cobra.Command, args []string) error {
				o.Action = c.Name()
				o.Args = args
				return run(c.Context(), f, o)
			},
		}
		if c.Name() != "" && (s.Name() == "install") {
			s.Flags().StringVar(&o.Path, "path", "", "Install the plugin from a locally-sourced plugin binary.")
			s.Flags().BoolVar(&o.Force, "force", false, "Forces reinstallation of plugins, even if already installed.")
		}
		return s
	}
	c.AddCommand(
		sub("installed", "List all installed plugin binaries", func(n int) bool { return n == 0 }, "installed takes no arguments"),
		sub("required TEMPLATE", "List plugins required by a config", func(n int) bool { return n == 1 }, "required expects exactly one TEMPLATE"),
		sub("install [options] <plugin> [<version constraint>]", "Install latest plugin version", func(n int) bool { return n == 1 || n == 2 }, "install expects a plugin and an optional version constraint"),
		sub("remove <plugin> [<version constraint>]", "Remove Packer plugins [matching a version]", func(n int) bool { return n == 1 || n == 2 }, "remove expects a plugin and an optional version constraint"),
	)
	return c
}

func runPlugins(context.Context, *Factory, *PluginsOptions) error { return errNotAvailable }
