package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/template/hcl2"
)

// PluginsOptions are the flags and arguments of the `kiln plugins` subcommands.
type PluginsOptions struct {
	MetaOptions
	Action string // installed, required, install, remove
	Args   []string
	Path   string
	Force  bool
}

func newPluginsCmd(f *Factory) *cobra.Command {
	return newPluginsCmdWith(f, runPlugins)
}

func newPluginsCmdWith(f *Factory, run func(context.Context, *Factory, *PluginsOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:     "plugins",
		Aliases: []string{"plugin"},
		Short:   "Interact with Packer plugins and catalog",
		Long: `kiln compiles its components in: it loads no plugin binaries and never
downloads any. These subcommands answer as Packer's do, for the plugins and
components kiln provides.`,
	}
	sub := func(use, short, long string, nargs func(int) bool, usage string, flags func(*cobra.Command, *PluginsOptions)) *cobra.Command {
		o := &PluginsOptions{}
		s := &cobra.Command{
			Use:   use,
			Short: short,
			Long:  long,
			Args: func(_ *cobra.Command, args []string) error {
				if len(args) > 1 {
					if fl := flagAfterArgs(args[1:]); fl != "" {
						return usageErrorf("flag %s comes after %q: flags must come before the arguments", fl, args[0])
					}
				}
				if !nargs(len(args)) {
					return usageErrorf("%s", usage)
				}
				return nil
			},
			RunE: func(c *cobra.Command, args []string) error {
				o.Action = c.Name()
				o.Args = args
				return run(c.Context(), f, o)
			},
		}
		if flags != nil {
			flags(s, o)
		}
		return s
	}
	c.AddCommand(
		sub("installed", "List all installed plugin binaries",
			`Lists the plugins and components compiled into kiln, grouped by origin:
each Packer plugin kiln reimplements (with the plugin version it matches),
Packer's built-in components (naming those kiln does not have), then the
components only kiln has. kiln has no plugin binaries to list.`,
			func(n int) bool { return n == 0 }, "installed takes no arguments", nil),
		sub("required [options] TEMPLATE", "List plugins required by a config",
			`Lists every plugin the template requires in packer.required_plugins
blocks, one per line, as Packer does:

  <name> <source> "<version constraint>" [<provider>]

The provider is the path of the kiln executable when kiln provides the plugin
in a version that meets the constraint; nothing follows the constraint when
kiln does not provide it. Nothing is installed.`,
			func(n int) bool { return n == 1 }, "required expects exactly one TEMPLATE",
			func(s *cobra.Command, o *PluginsOptions) { addVarFlags(s.Flags(), &o.MetaOptions) }),
		sub("install [options] <plugin> [<version constraint>]", "Install latest plugin version",
			`Answers for a plugin kiln compiles in (e.g. github.com/hashicorp/docker):
it is already provided, and the command exits 0 when its version meets the
constraint. Any other plugin, or -path, is not supported: kiln does not load
external plugins, and the command exits 1. Nothing is downloaded.`,
			func(n int) bool { return n == 1 || n == 2 }, "install expects a plugin and an optional version constraint",
			func(s *cobra.Command, o *PluginsOptions) {
				s.Flags().StringVar(&o.Path, "path", "", "Install the plugin from a locally-sourced plugin binary. Not supported: kiln does not load external plugins.")
				placeholder(s.Flags(), "path", " <path>")
				s.Flags().BoolVar(&o.Force, "force", false, "Forces reinstallation of plugins, even if already installed. Accepted; nothing changes.")
			}),
		sub("remove <plugin> [<version constraint>]", "Remove Packer plugins [matching a version]",
			`Answers for a plugin kiln compiles in: it is provided by kiln and cannot be
removed, and the command exits 0. Any other plugin is not installed, since
kiln does not load external plugins, and the command exits 1.`,
			func(n int) bool { return n == 1 || n == 2 }, "remove expects a plugin and an optional version constraint", nil),
	)
	return c
}

func runPlugins(ctx context.Context, f *Factory, o *PluginsOptions) error {
	switch o.Action {
	case "installed":
		return runPluginsInstalled(f)
	case "required":
		return runPluginsRequired(ctx, f, o)
	case "install", "remove":
		return runPluginsInstallRemove(f, o)
	}
	return fmt.Errorf("unknown plugins subcommand %q", o.Action)
}

// runPluginsInstalled lists kiln's compiled-in components by origin.
func runPluginsInstalled(f *Factory) error {
	type row struct{ label, names string }
	groups := componentGroups(componentRegistry())
	rows := make([][]row, len(groups))
	width := 0
	for i, g := range groups {
		add := func(s componentSet, prefix string) {
			for _, k := range s.kinds() {
				if len(k.names) > 0 {
					r := row{prefix + k.label + ":", strings.Join(k.names, ", ")}
					width = max(width, len(r.label))
					rows[i] = append(rows[i], r)
				}
			}
		}
		add(g.set, "")
		add(g.missing, "not in kiln: ")
	}
	u := f.Ui(uiOptions{})
	for i, g := range groups {
		if i > 0 {
			u.Say("")
		}
		u.Say(g.title + " (compiled into kiln)")
		for _, r := range rows[i] {
			u.Say(fmt.Sprintf("  %-*s %s", width, r.label, r.names))
		}
	}
	return nil
}

// runPluginsRequired lists the template's plugin requirements in Packer's
// layout, the kiln executable standing for the binary that satisfies them.
func runPluginsRequired(ctx context.Context, f *Factory, o *PluginsOptions) error {
	reqs, ok, err := f.loadRequirements(ctx, o.Args[0], o.MetaOptions)
	if err != nil {
		return err
	}
	if !ok {
		return &exitStatus{code: exitError}
	}
	u := f.Ui(uiOptions{})
	self := kilnExecutable()
	for _, r := range reqs {
		line := fmt.Sprintf("%s %s %q", r.Accessor, r.Source, r.Constraint)
		if r.Satisfied {
			line += " " + self
		}
		u.Message(line)
	}
	if len(reqs) == 0 {
		u.Message(noRequirements)
	}
	return nil
}

// kilnExecutable is the absolute path of the running kiln.
func kilnExecutable() string {
	p, err := os.Executable()
	if err != nil {
		return "kiln"
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p
}

// validSource checks the shape of a plugin source: host/namespace/name.
func validSource(s string) error {
	parts := strings.Split(strings.TrimPrefix(s, "https://"), "/")
	if len(parts) < 3 {
		return fmt.Errorf("invalid plugin source %q: a source has the form <host>/<namespace>/<name>, e.g. github.com/hashicorp/docker", s)
	}
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("invalid plugin source %q: empty part", s)
		}
	}
	return nil
}

// runPluginsInstallRemove answers install and remove: a compiled-in plugin
// is already provided; anything else is not supported.
func runPluginsInstallRemove(f *Factory, o *PluginsOptions) error {
	u := f.Ui(uiOptions{})
	source := o.Args[0]
	constraint := ""
	if len(o.Args) == 2 {
		constraint = o.Args[1]
	}
	if o.Path != "" {
		u.Error(fmt.Sprintf("not supported: kiln does not load external plugins, so it cannot install the binary %s.", o.Path))
		return &exitStatus{code: exitError}
	}
	if err := validSource(source); err != nil {
		u.Error(err.Error())
		return &exitStatus{code: exitError}
	}
	reg := componentRegistry()
	p, ok := hcl2.LookupBundledPlugin(reg, source)
	if !ok {
		what := "install"
		if o.Action == "remove" {
			what = "remove"
		}
		u.Error(fmt.Sprintf("not supported: kiln does not load external plugins, so it cannot %s %s.\n%s",
			what, source, compiledIn(reg)))
		return &exitStatus{code: exitError}
	}
	meets, err := p.Meets(constraint)
	if err != nil {
		u.Error(err.Error())
		return &exitStatus{code: exitError}
	}
	if !meets {
		u.Error(fmt.Sprintf("kiln provides %s v%s, which does not meet the version constraint %q; "+
			"kiln does not load external plugins, so no other version can be used.", p.Source, p.Version, constraint))
		return &exitStatus{code: exitError}
	}
	if o.Action == "remove" {
		u.Say(fmt.Sprintf("%s v%s is already provided by kiln (compiled in): there is nothing to remove.", p.Source, p.Version))
		return nil
	}
	u.Say(fmt.Sprintf("%s v%s is already provided by kiln (compiled in): nothing to install.", p.Source, p.Version))
	return nil
}
