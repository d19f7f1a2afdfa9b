package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// InspectOptions are the flags and argument of `kiln inspect`.
type InspectOptions struct {
	MetaOptions
	Template                string
	UseSequentialEvaluation bool
	JSON                    bool
}

func newInspectCmd(f *Factory) *cobra.Command {
	return newInspectCmdWith(f, runInspect)
}

func newInspectCmdWith(f *Factory, run func(context.Context, *Factory, *InspectOptions) error) *cobra.Command {
	o := &InspectOptions{}
	c := &cobra.Command{
		Use:   "inspect [options] TEMPLATE",
		Short: "see components of a template",
		Long: `Inspects a template, parsing and outputting the components a template
defines. This does not validate the contents of a template (other than
basic syntax by necessity).`,
		Args: templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	addOnlyExceptFlags(fs, &o.MetaOptions, "Inspect all builds other than these.")
	fs.Lookup("only").Usage = "Inspect only these builds."
	addVarFlags(fs, &o.MetaOptions)
	fs.BoolVar(&o.UseSequentialEvaluation, "use-sequential-evaluation", false, "Fallback to using a sequential approach for local/datasource evaluation.")
	fs.BoolVar(&o.JSON, "json", false, "Print the inspection as JSON (a kiln extension).")
	return c
}

func runInspect(context.Context, *Factory, *InspectOptions) error { return errNotAvailable }
