package cmd

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
	"github.com/kilnbuild/kiln/template/legacy"
)

// InitOptions are the flags and argument of `kiln init`.
type InitOptions struct {
	MetaOptions
	Template string
	Upgrade  bool
	Force    bool
}

func newInitCmd(f *Factory) *cobra.Command {
	return newInitCmdWith(f, runInit)
}

func newInitCmdWith(f *Factory, run func(context.Context, *Factory, *InitOptions) error) *cobra.Command {
	o := &InitOptions{}
	c := &cobra.Command{
		Use:   "init [options] TEMPLATE",
		Short: "Install missing plugins or upgrade plugins",
		Long: `Checks the plugins an HCL2 template requires (packer { required_plugins {} }).

kiln's components are compiled in and it never downloads anything: each
required plugin that kiln provides (in a version that meets the constraint)
is reported as satisfied; any other is named as not available, and init
exits with status 1, as Packer does when it cannot install a plugin.`,
		Args: templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	fs.BoolVar(&o.Upgrade, "upgrade", false, "Upgrade installed plugins to the newest version the constraints allow. Accepted: kiln's plugins are compiled in, so nothing changes.")
	fs.BoolVar(&o.Force, "force", false, "Reinstall plugins even if already installed. Accepted: kiln's plugins are compiled in, so nothing changes.")
	addVarFlags(fs, &o.MetaOptions)
	return c
}

// jsonPluginsDiag is Packer's answer to plugin commands on a legacy JSON
// template.
func jsonPluginsDiag() *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Packer plugins currently only works with HCL2 configuration templates",
		Detail: "A legacy JSON template cannot declare required plugins. kiln's components are compiled in " +
			"(see `kiln plugins installed`); to declare requirements, convert the template with `kiln hcl2_upgrade`.",
	}
}

// loadRequirements reads the plugin requirements of the template, printing
// diagnostics; ok is false when the command must exit 1.
func (f *Factory) loadRequirements(ctx context.Context, path string, m MetaOptions) (reqs []hcl2.PluginRequirement, ok bool, err error) {
	kind, err := template.DetectKind(path, m.ConfigType)
	if err != nil {
		return nil, false, err
	}
	opts := f.loadOptions(m)
	if kind == template.JSON {
		_, files, diags := legacy.LoadConfig(path, opts)
		if !diags.HasErrors() {
			diags = append(diags, jsonPluginsDiag())
		}
		f.writeDiags(&template.Template{Kind: template.JSON, Path: path, Files: files}, diags, false)
		return nil, false, nil
	}
	reqs, t, diags := hcl2.PluginRequirements(ctx, path, opts)
	if f.writeDiags(t, diags, false) {
		return nil, false, nil
	}
	return reqs, true, nil
}

// noRequirements is printed when the template requires no plugin.
const noRequirements = "\nNo plugin requirements found: the template has no packer { required_plugins { ... } } block,\n" +
	"so there is nothing to install."

// runInit checks every required plugin against the plugins kiln compiles
// in. It never reaches the network.
func runInit(ctx context.Context, f *Factory, o *InitOptions) error {
	reqs, ok, err := f.loadRequirements(ctx, o.Template, o.MetaOptions)
	if err != nil {
		return err
	}
	if !ok {
		return &exitStatus{code: exitError}
	}
	u := f.Ui(uiOptions{})
	if len(reqs) == 0 {
		u.Message(noRequirements)
		return nil
	}
	reg := componentRegistry()
	failed := false
	for _, r := range reqs {
		switch {
		case r.Satisfied:
			u.Say(fmt.Sprintf("Plugin %s v%s is built into kiln: nothing to install.", r.Bundled.Source, r.Bundled.Version))
		case r.Bundled != nil:
			failed = true
			u.Error(fmt.Sprintf("Failed getting the %q plugin:", r.Source))
			u.Error(fmt.Sprintf("kiln provides %s v%s, which does not meet the version constraint %q, "+
				"and kiln does not load external plugins, so no other version can be installed.",
				r.Bundled.Source, r.Bundled.Version, r.Constraint))
		default:
			failed = true
			u.Error(fmt.Sprintf("Failed getting the %q plugin:", r.Source))
			u.Error(notProvided(reg, r.Source))
		}
	}
	if failed {
		return &exitStatus{code: exitError}
	}
	return nil
}
