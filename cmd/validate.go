package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/legacy"
)

// ValidateOptions are the flags and argument of `kiln validate`.
type ValidateOptions struct {
	MetaOptions
	Template                string
	SyntaxOnly              bool
	NoWarnUndeclaredVar     bool
	EvaluateDatasources     bool
	IgnorePrereleasePlugins bool
	UseSequentialEvaluation bool
}

func newValidateCmd(f *Factory) *cobra.Command {
	return newValidateCmdWith(f, runValidate)
}

func newValidateCmdWith(f *Factory, run func(context.Context, *Factory, *ValidateOptions) error) *cobra.Command {
	o := &ValidateOptions{}
	c := &cobra.Command{
		Use:   "validate [options] TEMPLATE",
		Short: "check that a template is valid",
		Long: `Checks the template is valid by parsing the template and also
checking the configuration with the various builders, provisioners, etc.

If it is not valid, the errors will be shown and the command will exit
with a non-zero exit status. If it is valid, it will exit with a zero
exit status.`,
		Args: templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	fs.BoolVar(&o.SyntaxOnly, "syntax-only", false, "Only check syntax. Do not verify config of the template.")
	addOnlyExceptFlags(fs, &o.MetaOptions, "Validate all builds other than these.")
	fs.Lookup("only").Usage = "Validate only these builds."
	addVarFlags(fs, &o.MetaOptions)
	fs.BoolVar(&o.NoWarnUndeclaredVar, "no-warn-undeclared-var", false, "Suppress warnings for user variable files containing undeclared variables.")
	fs.BoolVar(&o.EvaluateDatasources, "evaluate-datasources", false, "Evaluate data sources during validation (HCL2 only, may incur costs); Defaults to false.")
	fs.BoolVar(&o.IgnorePrereleasePlugins, "ignore-prerelease-plugins", false, "Disable the loading of prerelease plugin binaries (x.y.z-dev). Accepted for compatibility.")
	fs.BoolVar(&o.UseSequentialEvaluation, "use-sequential-evaluation", false, "Fallback to using a sequential approach for local/datasource evaluation.")
	addMachineReadableFlag(fs)
	return c
}

// runValidate loads the template (parsing only with -syntax-only),
// prints its diagnostics as Packer does, and exits 1 on errors.
func runValidate(ctx context.Context, f *Factory, o *ValidateOptions) error {
	opts := f.loadOptions(o.MetaOptions)
	opts.SyntaxOnly = o.SyntaxOnly
	opts.EvaluateDatasources = o.EvaluateDatasources
	opts.WarnUndeclaredVar = !o.NoWarnUndeclaredVar
	t, diags := loadTemplate(ctx, o.Template, o.ConfigType, opts)
	if f.writeDiags(t, diags, false) {
		if t != nil && t.Kind == template.JSON && !o.SyntaxOnly {
			if note := unknownTypesNote(t.Path); note != "" {
				f.Ui(uiOptions{}).Error(note)
			}
		}
		return &exitStatus{code: exitError}
	}
	u := f.Ui(uiOptions{})
	if o.SyntaxOnly {
		u.Say("Syntax-only check passed. Everything looks okay.")
		return nil
	}
	u.Say("The configuration is valid.")
	return nil
}

// unknownTypesNote explains, for a legacy JSON template, the component
// types kiln does not have (Packer's own message only says "Unknown
// builder x"): whether each is built into Packer or part of a plugin, and
// what kiln has. It is empty when kiln has every type.
func unknownTypesNote(path string) string {
	tpl, err := legacy.ParseFile(path)
	if err != nil {
		return ""
	}
	reg := componentRegistry()
	builders, provisioners, postProcessors := tpl.ComponentTypes()
	var lines []string
	check := func(kind string, types []string, has func(string) bool) {
		for _, typ := range types {
			if has(typ) {
				continue
			}
			if components.IsPackerBuiltin(kind, typ) {
				lines = append(lines, fmt.Sprintf("  %s %s: built into Packer, not supported by kiln yet", kind, typ))
			} else {
				lines = append(lines, fmt.Sprintf("  %s %s: part of a Packer plugin that kiln does not include", kind, typ))
			}
		}
	}
	check("builder", builders, func(s string) bool { _, ok := reg.Builders[s]; return ok })
	check("provisioner", provisioners, func(s string) bool { _, ok := reg.Provisioners[s]; return ok })
	check("post-processor", postProcessors, func(s string) bool { _, ok := reg.PostProcessors[s]; return ok })
	if len(lines) == 0 {
		return ""
	}
	return "The template uses component types kiln does not have:\n" + strings.Join(lines, "\n") + "\n" + compiledIn(reg)
}

// addMachineReadableFlag lists -machine-readable in a command's help, as
// Packer's validate and inspect do. kiln reads it from anywhere on the
// command line before flags are parsed (see extractMachineReadable), so
// the flag itself is never set here.
func addMachineReadableFlag(fs *pflag.FlagSet) {
	fs.Bool("machine-readable", false, "Produce machine-readable output.")
}
