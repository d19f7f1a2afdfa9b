package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template/hcl2"
)

// componentSet names component types by kind.
type componentSet struct {
	Builders, Provisioners, PostProcessors, Datasources []string
}

// kinds returns the set's lists with their plural labels, in display
// order.
func (s componentSet) kinds() []struct {
	label string
	names []string
} {
	return []struct {
		label string
		names []string
	}{
		{"builders", s.Builders},
		{"provisioners", s.Provisioners},
		{"post-processors", s.PostProcessors},
		{"data sources", s.Datasources},
	}
}

func (s componentSet) empty() bool {
	return len(s.Builders)+len(s.Provisioners)+len(s.PostProcessors)+len(s.Datasources) == 0
}

// packerBuiltins are the components compiled into Packer itself.
var packerBuiltins = componentSet(components.PackerBuiltins)

// registrySet returns every type reg holds.
func registrySet(reg *components.Registry) componentSet {
	return componentSet{
		Builders:       components.Names(reg.Builders),
		Provisioners:   components.Names(reg.Provisioners),
		PostProcessors: components.Names(reg.PostProcessors),
		Datasources:    components.Names(reg.Datasources),
	}
}

// componentGroup is a part of kiln's components: those of one Packer
// plugin, Packer's built-in ones, or kiln's own.
type componentGroup struct {
	title string
	set   componentSet
	// missing are the components of the group kiln does not have (only
	// for Packer's built-in components).
	missing componentSet
}

// componentGroups sorts the components of reg by origin: each compiled-in
// Packer plugin (by source), Packer's built-in components, then the ones
// only kiln has.
func componentGroups(reg *components.Registry) []componentGroup {
	all := registrySet(reg)
	claimed := componentSet{}
	var groups []componentGroup
	for _, p := range hcl2.BundledPlugins(reg) {
		set := componentSet{
			Builders:       present(p.Builders, all.Builders),
			Provisioners:   present(p.Provisioners, all.Provisioners),
			PostProcessors: present(p.PostProcessors, all.PostProcessors),
			Datasources:    present(p.Datasources, all.Datasources),
		}
		claimed = union(claimed, set)
		groups = append(groups, componentGroup{title: p.Source + " v" + p.Version, set: set})
	}
	builtin := componentSet{
		Builders:       present(packerBuiltins.Builders, all.Builders),
		Provisioners:   present(packerBuiltins.Provisioners, all.Provisioners),
		PostProcessors: present(packerBuiltins.PostProcessors, all.PostProcessors),
		Datasources:    present(packerBuiltins.Datasources, all.Datasources),
	}
	missing := componentSet{
		Builders:       absent(packerBuiltins.Builders, all.Builders),
		Provisioners:   absent(packerBuiltins.Provisioners, all.Provisioners),
		PostProcessors: absent(packerBuiltins.PostProcessors, all.PostProcessors),
		Datasources:    absent(packerBuiltins.Datasources, all.Datasources),
	}
	claimed = union(claimed, builtin)
	groups = append(groups, componentGroup{title: "Packer built-in components", set: builtin, missing: missing})
	own := componentSet{
		Builders:       absent(all.Builders, claimed.Builders),
		Provisioners:   absent(all.Provisioners, claimed.Provisioners),
		PostProcessors: absent(all.PostProcessors, claimed.PostProcessors),
		Datasources:    absent(all.Datasources, claimed.Datasources),
	}
	if !own.empty() {
		groups = append(groups, componentGroup{title: "kiln's own components", set: own})
	}
	return groups
}

// present returns the names of want that are in have.
func present(want, have []string) []string {
	var out []string
	for _, n := range want {
		if slices.Contains(have, n) {
			out = append(out, n)
		}
	}
	return out
}

// absent returns the names of want that are not in have.
func absent(want, have []string) []string {
	var out []string
	for _, n := range want {
		if !slices.Contains(have, n) {
			out = append(out, n)
		}
	}
	return out
}

func union(a, b componentSet) componentSet {
	merge := func(x, y []string) []string {
		out := append([]string(nil), x...)
		for _, n := range y {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	return componentSet{
		Builders:       merge(a.Builders, b.Builders),
		Provisioners:   merge(a.Provisioners, b.Provisioners),
		PostProcessors: merge(a.PostProcessors, b.PostProcessors),
		Datasources:    merge(a.Datasources, b.Datasources),
	}
}

// notProvided explains that kiln does not have a plugin, naming what it
// has.
func notProvided(reg *components.Registry, source string) string {
	return fmt.Sprintf("%s is not available in kiln: kiln does not load external plugins.\n%s", source, compiledIn(reg))
}

// compiledIn lists the types of reg, one kind per line.
func compiledIn(reg *components.Registry) string {
	var b strings.Builder
	b.WriteString("The components compiled into kiln are:")
	for _, k := range registrySet(reg).kinds() {
		if len(k.names) > 0 {
			b.WriteString("\n  " + k.label + ": " + strings.Join(k.names, ", "))
		}
	}
	return b.String()
}
