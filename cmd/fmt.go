package cmd

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/template/hclfmt"
)

// FmtOptions are the flags and arguments of `kiln fmt`.
type FmtOptions struct {
	Paths     []string
	Check     bool
	Diff      bool
	Write     bool
	Recursive bool
}

func newFmtCmd(f *Factory) *cobra.Command {
	return newFmtCmdWith(f, runFmt)
}

func newFmtCmdWith(f *Factory, run func(context.Context, *Factory, *FmtOptions) error) *cobra.Command {
	o := &FmtOptions{}
	c := &cobra.Command{
		Use:   "fmt [options] [TEMPLATE]",
		Short: "Rewrites HCL2 config files to canonical format",
		Long: `Rewrites all template files (.pkr.hcl) and variable files (.pkrvars.hcl)
to a canonical format. Both configuration files (.pkr.hcl) and variable files
(.pkrvars.hcl) are updated. JSON files (.json) are not modified.

If TEMPLATE is "." the current directory will be used.
If TEMPLATE is "-" then content will be read from STDIN.

The given content must be in HCL2 format.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("fmt expects at least one path")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Paths = args
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	fs.BoolVar(&o.Check, "check", false, "Check if the input is formatted. Exit status will be 0 if all input is properly formatted and non-zero otherwise.")
	fs.BoolVar(&o.Diff, "diff", false, "Display diffs of formatting change.")
	fs.BoolVar(&o.Write, "write", true, "Overwrite source files instead of writing to stdout.")
	fs.BoolVar(&o.Recursive, "recursive", false, "Also process files in subdirectories. By default, only the given directory (or current directory) is processed.")
	return c
}

// fmtDiagWidth is the width Packer wraps fmt's diagnostics to, terminal
// or not.
const fmtDiagWidth = 80

// runFmt formats the paths as Packer does: changed names (or stdin's text)
// on stdout as they come, then any diagnostics through the Ui; errors exit
// 1, and -check exits 3 when something would change.
func runFmt(ctx context.Context, f *Factory, o *FmtOptions) error {
	fm := &hclfmt.Formatter{
		// -check never writes.
		Write:     o.Write && !o.Check,
		Diff:      o.Diff,
		Recursive: o.Recursive,
		Out:       f.IO.Out,
		Stdin:     f.IO.In,
	}
	res, diags := fm.Format(ctx, o.Paths)
	if len(diags) > 0 {
		var b bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&b, nil, fmtDiagWidth, false).WriteDiagnostics(diags); err != nil {
			return fmt.Errorf("could not write diagnostic: %w", err)
		}
		u := f.Ui(uiOptions{})
		if diags.HasErrors() {
			u.Error(b.String())
			return &exitStatus{code: exitError}
		}
		u.Say(b.String())
	}
	if o.Check && len(res.Changed) > 0 {
		return &exitStatus{code: exitFmtCheck}
	}
	return nil
}
