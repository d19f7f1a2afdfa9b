package cmd

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/core"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/template"
)

// BuildOptions are the flags and argument of `kiln build`.
type BuildOptions struct {
	MetaOptions
	Template                string
	Color                   bool
	Debug                   bool
	Force                   bool
	OnError                 string
	ParallelBuilds          int
	TimestampUi             bool
	WarnOnUndeclaredVar     bool
	IgnorePrereleasePlugins bool
	UseSequentialEvaluation bool
	SkipEnforcement         bool
}

func newBuildCmd(f *Factory) *cobra.Command {
	return newBuildCmdWith(f, runBuild)
}

func newBuildCmdWith(f *Factory, run func(context.Context, *Factory, *BuildOptions) error) *cobra.Command {
	o := &BuildOptions{OnError: "cleanup"}
	c := &cobra.Command{
		Use:   "build [options] TEMPLATE",
		Short: "build image(s) from template",
		Long: `Will execute multiple builds in parallel as defined in the template.
The various artifacts created by the template will be outputted.`,
		Args: templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	fs.BoolVar(&o.Color, "color", true, "Disable color output. (Default: color)")
	fs.BoolVar(&o.Debug, "debug", false, "Debug mode enabled for builds.")
	addOnlyExceptFlags(fs, &o.MetaOptions, "Run all builds and post-processors other than these.")
	fs.BoolVar(&o.Force, "force", false, "Force a build to continue if artifacts exist, deletes existing artifacts.")
	fs.Var(enumFlag{"on-error", &o.OnError, []string{"cleanup", "abort", "ask", "run-cleanup-provisioner"}}, "on-error",
		"If the build fails do: clean up (default), abort, ask, or run-cleanup-provisioner.")
	placeholder(fs, "on-error", "=[cleanup|abort|ask|run-cleanup-provisioner]")
	fs.IntVar(&o.ParallelBuilds, "parallel-builds", 0, "Number of builds to run in parallel. 1 disables parallelization. 0 means no limit (Default: 0)")
	placeholder(fs, "parallel-builds", "=1")
	fs.BoolVar(&o.TimestampUi, "timestamp-ui", false, "Enable prefixing of each ui output with an RFC3339 timestamp.")
	addVarFlags(fs, &o.MetaOptions)
	fs.BoolVar(&o.WarnOnUndeclaredVar, "warn-on-undeclared-var", false, "Display warnings for user variable files containing undeclared variables.")
	fs.BoolVar(&o.IgnorePrereleasePlugins, "ignore-prerelease-plugins", false, "Disable the loading of prerelease plugin binaries (x.y.z-dev). Accepted for compatibility: kiln's components are built in.")
	fs.BoolVar(&o.UseSequentialEvaluation, "use-sequential-evaluation", false, "Fallback to using a sequential approach for local/datasource evaluation.")
	fs.BoolVar(&o.SkipEnforcement, "skip-enforcement", false, "Skip enforced provisioners from an image registry. Accepted for compatibility.")
	return c
}

// noBuildsDiag is Packer's error when no build is left to run.
var noBuildsDiag = &hcl.Diagnostic{
	Severity: hcl.DiagError,
	Summary:  "No builds to run",
	Detail: "A build command cannot run without at least one build to process. " +
		"If the only or except flags have been specified at run time check that" +
		" at least one build is selected for execution.",
}

// runBuild loads the template, prints its diagnostics and runs its builds
// as Packer does: with error diagnostics the valid builds still run, but
// kiln exits 1 whatever they do.
func runBuild(ctx context.Context, f *Factory, o *BuildOptions) error {
	// One identifier per run, visible to every component and script, as
	// Packer sets it at start-up (overwriting any inherited value).
	runUUID := core.NewRunUUID()
	if err := os.Setenv("PACKER_RUN_UUID", runUUID); err != nil {
		return fmt.Errorf("set PACKER_RUN_UUID: %w", err)
	}
	// Timestamps go on each build's output, not on the summary: core
	// applies -timestamp-ui.
	base := f.Ui(uiOptions{NoColor: !o.Color})
	opts := f.loadOptions(o.MetaOptions)
	opts.Debug = o.Debug
	opts.Force = o.Force
	opts.OnError = o.OnError
	tmpl, diags := loadTemplate(ctx, o.Template, o.ConfigType, opts)
	return runTemplate(ctx, f, o, base, tmpl, diags, runUUID)
}

// runTemplate prints a loaded template's diagnostics and runs its builds.
func runTemplate(ctx context.Context, f *Factory, o *BuildOptions, base sdk.Ui, tmpl *template.Template, diags hcl.Diagnostics, runUUID string) error {
	code := exitOK
	// Packer renders diagnostics without colour.
	if f.writeDiags(tmpl, diags, false) {
		code = exitError
	}
	var builds []*core.Build
	if tmpl != nil {
		builds = tmpl.Builds
	}
	if len(builds) == 0 {
		if code == exitOK {
			if o.Debug {
				base.Say(core.DebugMessage)
			}
			f.writeDiags(tmpl, hcl.Diagnostics{noBuildsDiag}, false)
		}
		return &exitStatus{code: exitError}
	}

	// As Packer, say which signal cancels the builds, through the Ui
	// (stdout; a ui,error line in machine-readable mode).
	defer onInterrupt(ctx, func(sig os.Signal) {
		base.Error(fmt.Sprintf("Cancelling build after receiving %s", sig))
	})()
	report := core.Run(ctx, base, builds, core.RunOptions{
		ParallelBuilds: o.ParallelBuilds,
		Debug:          o.Debug,
		Color:          o.Color && !f.MachineReadable,
		Timestamp:      o.TimestampUi,
		RunUUID:        runUUID,
	})
	if report.Failed() {
		code = exitError
	}
	if code != exitOK {
		return &exitStatus{code: code}
	}
	return nil
}
