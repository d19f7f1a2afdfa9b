package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
	"github.com/kilnbuild/kiln/template/legacy"
	"github.com/kilnbuild/kiln/ui"
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
		Long: `Creates a console for testing variable interpolation. If a template is
given, its variables (and, for HCL2, its locals) can be used.

An HCL2 template is evaluated in HCL2 mode (expressions such as
upper(var.name)); a legacy JSON template in JSON mode ({{ user ` + "`name`" + ` }}
interpolations). Without a template the console is in JSON mode, as
Packer's, unless -config-type=hcl2 is given.

On a terminal the console is interactive, with line editing and history.
With piped input, every line is evaluated and the last value printed.
"help", "variables" and "exit" work in both modes.`,
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

// evaluator is a console's engine: HCL2 expressions or {{ }} strings.
type evaluator interface {
	Eval(line string) (out string, exit bool, diags hcl.Diagnostics)
}

// runConsole evaluates input against the template: HCL2 expressions for
// an HCL2 template (or with -config-type=hcl2 and no template), {{ }}
// interpolation for a JSON template (and, as in Packer, by default without
// a template). On a terminal it is a prompt with line editing and
// history; with piped input, as Packer, it evaluates every line and
// prints the last value, exiting 1 if the last failing line was an error.
func runConsole(ctx context.Context, f *Factory, o *ConsoleOptions) error {
	kind := template.JSON
	if o.ConfigType == "hcl2" {
		kind = template.HCL2
	}
	if o.Template != "" {
		var err error
		if kind, err = template.DetectKind(o.Template, o.ConfigType); err != nil {
			return err
		}
	}
	opts := f.loadOptions(o.MetaOptions)
	var (
		ev    evaluator
		t     *template.Template
		diags hcl.Diagnostics
	)
	if kind == template.HCL2 {
		var c *hcl2.Console
		c, t, diags = hcl2.NewConsole(ctx, o.Template, opts)
		if c != nil {
			ev = c
		}
	} else {
		var c *legacy.Console
		c, t, diags = legacy.NewConsole(o.Template, opts)
		if c != nil {
			ev = c
			ui.DefaultScrubber.Add(t.Sensitive...)
		}
	}
	if f.writeDiags(t, diags, false) || ev == nil {
		return &exitStatus{code: exitError}
	}
	if in, ok := f.IO.In.(*os.File); ok && term.IsTerminal(int(in.Fd())) {
		return f.consoleInteractive(in, ev, t)
	}
	return f.consolePiped(ev, t)
}

// consolePiped evaluates every line of standard input and prints the last
// result, as Packer does.
func (f *Factory) consolePiped(ev evaluator, t *template.Template) error {
	// As in Packer, a line that fails in JSON mode does not change the
	// exit status.
	errorsFail := true
	if e, ok := ev.(interface{ ErrorsFail() bool }); ok {
		errorsFail = e.ErrorsFail()
	}
	sc := bufio.NewScanner(f.IO.In)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	failed, last := false, ""
	for sc.Scan() {
		out, _, diags := ev.Eval(strings.TrimSpace(sc.Text()))
		if len(diags) > 0 {
			failed = f.writeDiags(t, diags, false) && errorsFail
		}
		last = out
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	f.Ui(uiOptions{}).Message(last)
	if failed {
		return &exitStatus{code: exitError}
	}
	return nil
}

// consoleInteractive reads lines from the terminal with line editing
// (arrows, Home/End, Ctrl-A/E/K/U/W) and history (up/down), printing each
// value, until "exit", Ctrl-D or Ctrl-C. The terminal is in raw mode only
// while a line is read, so output and signals behave as usual otherwise.
func (f *Factory) consoleInteractive(in *os.File, ev evaluator, t *template.Template) error {
	fd := int(in.Fd())
	tm := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, f.IO.Out}, "> ")
	u := f.Ui(uiOptions{})
	for {
		if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
			_ = tm.SetSize(w, h)
		}
		state, err := term.MakeRaw(fd)
		if err != nil {
			return fmt.Errorf("initialize console: %w", err)
		}
		line, err := tm.ReadLine()
		if rerr := term.Restore(fd, state); rerr != nil && err == nil {
			err = rerr
		}
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(f.IO.Out)
			return nil
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		out, exit, diags := ev.Eval(strings.TrimSpace(line))
		if len(diags) > 0 {
			f.writeDiags(t, diags, false)
		}
		if exit {
			return nil
		}
		if out != "" {
			u.Say(out)
		}
	}
}
