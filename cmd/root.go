package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/ui"
)

// Exit codes, as Packer's.
const (
	exitOK             = 0
	exitError          = 1
	exitFmtCheck       = 3
	exitUnknownCommand = 127
)

// IOStreams are the process's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Factory carries what every command needs: streams, environment and the
// global switches read from argv before cobra sees it.
type Factory struct {
	IO              *IOStreams
	Getenv          func(string) string
	MachineReadable bool
	// ProgName is the name kiln was invoked as. Invoked as "packer" (a
	// symlink), kiln reports Packer's version so that scripts checking
	// `packer version` keep working.
	ProgName string
}

// Main runs kiln with the process's arguments and environment and returns
// the exit code.
func Main() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go handleSignals(sigs, cancel, os.Stderr)
	return Run(ctx, os.Args, &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, os.Getenv)
}

// handleSignals cancels the command's context at the first signal from
// sigs: builds stop and clean up, and the command says so through its Ui
// (see onInterrupt) before the cancellation. Later signals are ignored, as
// in Packer, so that cleanup finishes and nothing is left behind.
func handleSignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc, errOut io.Writer) {
	sig, ok := <-sigs
	if !ok {
		return
	}
	interrupt.mu.Lock()
	if interrupt.announce != nil {
		interrupt.announce(sig)
	}
	cancel(&interruptError{sig: sig})
	interrupt.mu.Unlock()
	for range sigs {
		fmt.Fprintln(errOut, "Cleanup in progress; waiting for it to finish.")
	}
}

// interruptError is the cause of the context of a command interrupted by
// a signal.
type interruptError struct{ sig os.Signal }

func (e *interruptError) Error() string { return "interrupted by " + e.sig.String() }

// interrupt holds what a command says when a signal interrupts it, said
// before its context is cancelled (Packer's order).
var interrupt struct {
	mu       sync.Mutex
	announce func(os.Signal)
}

// onInterrupt makes announce say that sig interrupted the command whose
// context is ctx: at once if that already happened, else when it does,
// before ctx is cancelled. The returned function stops that.
func onInterrupt(ctx context.Context, announce func(sig os.Signal)) (stop func()) {
	interrupt.mu.Lock()
	interrupt.announce = announce
	var ie *interruptError
	already := errors.As(context.Cause(ctx), &ie)
	interrupt.mu.Unlock()
	if already {
		announce(ie.sig)
	}
	return func() {
		interrupt.mu.Lock()
		interrupt.announce = nil
		interrupt.mu.Unlock()
	}
}

// Run runs the command line argv (argv[0] is the program name).
func Run(ctx context.Context, argv []string, streams *IOStreams, getenv func(string) string) int {
	prog := "kiln"
	if len(argv) > 0 && strings.TrimSuffix(filepath.Base(argv[0]), ".exe") == "packer" {
		prog = "packer"
	}
	args, machine := extractMachineReadable(argv[1:])
	f := &Factory{IO: streams, Getenv: getenv, MachineReadable: machine, ProgName: prog}
	logs, err := ui.SetupLog(getenv, streams.ErrOut, ui.DefaultScrubber)
	if err != nil {
		fmt.Fprintf(streams.ErrOut, "%s: %v\n", prog, err)
		return exitError
	}
	defer logs.Close()
	root := newRootCmd(f)

	switch {
	case len(args) == 0:
		fmt.Fprint(streams.Out, rootHelp(root))
		return exitUnknownCommand
	case isVersionArg(args[0]):
		args = append([]string{"version"}, args[1:]...)
	case isHelpArg(args[0]):
		fmt.Fprint(streams.Out, rootHelp(root))
		return exitOK
	}

	sub, rest := findCommand(root, args)
	if sub == nil {
		fmt.Fprintf(streams.ErrOut, "%s: unknown command %q%s\n\n", prog, args[0], suggest(root, args[0]))
		fmt.Fprint(streams.Out, rootHelp(root))
		return exitUnknownCommand
	}
	if hasHelpArg(rest) || (sub.HasSubCommands() && !sub.Runnable()) {
		fmt.Fprint(streams.Out, commandHelp(sub))
		if hasHelpArg(rest) {
			return exitOK
		}
		return exitError
	}
	path := strings.Fields(sub.CommandPath())[1:]
	root.SetArgs(append(path, normalizeFlags(sub.Flags(), rest)...))
	root.SetContext(ctx)
	err = root.Execute()
	return exitCode(f, sub, err)
}

// findCommand finds the (sub)command named by the leading arguments.
func findCommand(root *cobra.Command, args []string) (*cobra.Command, []string) {
	cur := root
	i := 0
	for i < len(args) {
		next := lookupSub(cur, args[i])
		if next == nil {
			break
		}
		cur = next
		i++
	}
	if cur == root {
		return nil, args
	}
	return cur, args[i:]
}

func lookupSub(c *cobra.Command, name string) *cobra.Command {
	for _, s := range c.Commands() {
		if s.Name() == name || s.HasAlias(name) {
			return s
		}
	}
	return nil
}

func suggest(root *cobra.Command, name string) string {
	if s := root.SuggestionsFor(name); len(s) > 0 {
		return fmt.Sprintf("; did you mean %q?", s[0])
	}
	return ""
}

func newRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           f.ProgName,
		Short:         "Build machine images from Packer templates",
		SilenceUsage:  true,
		SilenceErrors: true,
		// "biuld" → "build".
		SuggestionsMinimumDistance: 2,
		// Help is printed by Run in Packer's layout.
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.AddCommand(
		newBuildCmd(f),
		newConsoleCmd(f),
		newFmtCmd(f),
		newHCL2UpgradeCmd(f),
		newInitCmd(f),
		newInspectCmd(f),
		newPluginsCmd(f),
		newValidateCmd(f),
		newVersionCmd(f),
	)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "Generate a shell completion script"
		}
		prepareCommand(c)
	}
	return root
}

// prepareCommand gives a command (and its subcommands) Go-flag parsing:
// flags stop at the first argument.
func prepareCommand(c *cobra.Command) {
	c.Flags().SetInterspersed(false)
	c.Flags().SortFlags = true
	c.DisableFlagsInUseLine = true
	for _, s := range c.Commands() {
		prepareCommand(s)
	}
}

// usageError is a command-line mistake: the message and the command's help
// are printed and kiln exits 1.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitStatus ends a command with a code, its messages already printed.
type exitStatus struct{ code int }

func (e *exitStatus) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(f *Factory, c *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	var es *exitStatus
	if errors.As(err, &es) {
		return es.code
	}
	var ue *usageError
	if errors.As(err, &ue) || isFlagError(err) {
		fmt.Fprintf(f.IO.ErrOut, "Error: %s\n\n", err)
		fmt.Fprint(f.IO.Out, commandHelp(c))
		return exitError
	}
	fmt.Fprintf(f.IO.ErrOut, "Error: %s\n", err)
	return exitError
}

// isFlagError reports errors pflag and cobra produce while parsing.
func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "bad flag syntax", "accepts ", "requires at least", "requires at most"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// templateArgs validates the positional arguments of a command taking
// exactly one TEMPLATE, the Packer way.
func templateArgs(name string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > 1 {
			if fl := flagAfterArgs(args[1:]); fl != "" {
				return usageErrorf("flag %s comes after the template %q: flags must come before %s", fl, args[0], name)
			}
		}
		if len(args) != 1 {
			return usageErrorf("%s expects exactly one argument, got %d", name, len(args))
		}
		return nil
	}
}

func rootHelp(root *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n", root.Name())
	cmds := root.Commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name() < cmds[j].Name() })
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		fmt.Fprintf(&b, "    %-16s%s\n", c.Name(), c.Short)
	}
	b.WriteString("\n")
	return b.String()
}
