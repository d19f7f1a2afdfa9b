package cmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
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

// runInspect prints the components of an HCL2 template as Packer does.
func runInspect(ctx context.Context, f *Factory, o *InspectOptions) error {
	kind, err := template.DetectKind(o.Template, o.ConfigType)
	if err != nil {
		return err
	}
	if kind != template.HCL2 {
		return errNotAvailable
	}
	t, text, diags := hcl2.Inspect(ctx, o.Template, f.loadOptions(o.MetaOptions))
	if f.writeDiags(t, diags, false) {
		return &exitStatus{code: exitError}
	}
	f.Ui(uiOptions{}).Say(strings.TrimSuffix(text, "\n"))
	return nil
}
