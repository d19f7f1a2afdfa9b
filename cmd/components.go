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
		set := componentSet{p.Builders, p.Provisioners, p.PostProcessors, p.Datasources}.with(all, present)
		claimed = claimed.with(set, union)
		groups = append(groups, componentGroup{title: p.Source + " v" + p.Version, set: set})
	}
	builtin := packerBuiltins.with(all, present)
	missing := packerBuiltins.with(all, absent)
	claimed = claimed.with(builtin, union)
	groups = append(groups, componentGroup{title: "Packer built-in components", set: builtin, missing: missing})
	own := all.with(claimed, absent)
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

// union returns a with the names of b it lacks.
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, n := range b {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// with applies f to each kind's names of s and o.
func (s componentSet) with(o componentSet, f func(a, b []string) []string) componentSet {
	return componentSet{
		Builders:       f(s.Builders, o.Builders),
		Provisioners:   f(s.Provisioners, o.Provisioners),
		PostProcessors: f(s.PostProcessors, o.PostProcessors),
		Datasources:    f(s.Datasources, o.Datasources),
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
