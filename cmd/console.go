package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// ConsoleOptions are the flags and argument of `kiln console`.
type ConsoleOptions struct {
	MetaOptions
	Template                string
	UseSequentialEvaluation bool
}

func newConsoleCmd(f *Factory) *cobra.Command {
	return newConsoleCmdWith(f, runConsole)
}

func newConsoleCmdWith(f *Factory, run func(context.Context, *Factory, *ConsoleOptions) error) *cobra.Command {
	o := &ConsoleOptions{}
	c := &cobra.Command{
		Use:   "console [options] [TEMPLATE]",
		Short: "creates a console for testing variable interpolation",
		Long: `Creates an interactive console for testing variable interpolation
against a template. Without a terminal, expressions are read from
standard input and their values printed.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				if fl := flagAfterArgs(args[1:]); fl != "" {
					return usageErrorf("flag %s comes after the template %q: flags must come before TEMPLATE", fl, args[0])
				}
				return usageErrorf("console expects at most one argument, got %d", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Template = args[0]
			}
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	addVarFlags(fs, &o.MetaOptions)
	fs.BoolVar(&o.UseSequentialEvaluation, "use-sequential-evaluation", false, "Fallback to using a sequential approach for local/datasource evaluation.")
	return c
}

func runConsole(context.Context, *Factory, *ConsoleOptions) error { return errNotAvailable }
