package cmd

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
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

// runConsole evaluates HCL2 expressions against the template. On a
// terminal it is a prompt loop printing each value; with piped input, as
// Packer, it evaluates every line and prints the last value, exiting 1 if
// a line failed.
func runConsole(ctx context.Context, f *Factory, o *ConsoleOptions) error {
	if o.Template != "" {
		kind, err := template.DetectKind(o.Template, o.ConfigType)
		if err != nil {
			return err
		}
		if kind != template.HCL2 {
			return errNotAvailable
		}
	}
	c, t, diags := hcl2.NewConsole(ctx, o.Template, f.loadOptions(o.MetaOptions))
	if f.writeDiags(t, diags, false) {
		return &exitStatus{code: exitError}
	}
	u := f.Ui(uiOptions{})
	interactive := false
	if in, ok := f.IO.In.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		interactive = true
	}
	sc := bufio.NewScanner(f.IO.In)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	failed, last := false, ""
	for {
		if interactive {
			fmt.Fprint(f.IO.Out, "> ")
		}
		if !sc.Scan() {
			break
		}
		out, exit, diags := c.Eval(sc.Text())
		if interactive && exit {
			return nil
		}
		if len(diags) > 0 {
			failed = f.writeDiags(t, diags, false)
		}
		if interactive {
			if out != "" {
				u.Say(out)
			}
			continue
		}
		last = out
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	if !interactive {
		u.Message(last)
	}
	if failed && !interactive {
		return &exitStatus{code: exitError}
	}
	return nil
}
