package legacy

import (
	"fmt"
	"sort"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// InspectNote ends Packer's inspection of a JSON template.
const InspectNote = "\nNote: If your build names contain user variables or template\n" +
	"functions such as 'timestamp', these are processed at build time,\n" +
	"and therefore only show in their raw form here."

// InspectedVariable is a user variable as inspect shows it: its default as
// written in the template (not rendered), masked when sensitive.
type InspectedVariable struct {
	Name string
	// Default is the raw default; ui.Redacted when Sensitive.
	Default   string
	Required  bool
	Sensitive bool
}

// InspectedVariables returns the template's variables sorted by name, with
// the defaults of sensitive ones masked. As in Packer, a variable whose
// default is the same (non-empty) text as a sensitive variable's default
// is masked too.
func (t *Template) InspectedVariables() []InspectedVariable {
	secret := map[string]bool{}
	for _, name := range t.SensitiveVariables {
		if v, ok := t.Variables[name]; ok && v.Default != "" {
			secret[v.Default] = true
		}
	}
	sensitive := map[string]bool{}
	for _, name := range t.SensitiveVariables {
		sensitive[name] = true
	}
	out := make([]InspectedVariable, 0, len(t.Variables))
	for _, name := range sortedKeys(t.Variables) {
		v := t.Variables[name]
		iv := InspectedVariable{Name: name, Default: v.Default, Required: v.Required, Sensitive: sensitive[name]}
		if iv.Sensitive || secret[v.Default] {
			iv.Default = ui.Redacted
		}
		out = append(out, iv)
	}
	return out
}

// Inspect writes Packer's inspection of the template through u: the
// description, the variables (required ones first), the builders by name
// and the provisioners in order, each also as a machine-readable
// template-variable, template-builder or template-provisioner message.
//
// Packer lists required variables in map order, which changes from run to
// run; kiln sorts them by name.
func (t *Template) Inspect(u sdk.Ui) {
	u.Say("Packer Inspect: JSON mode")
	if t.Description != "" {
		u.Say("Description:\n")
		u.Say(t.Description + "\n")
	}

	vars := t.InspectedVariables()
	if len(vars) == 0 {
		u.Say("Variables:\n")
		u.Say("  <No variables>")
	} else {
		header := false
		for _, v := range vars {
			if !v.Required {
				continue
			}
			if !header {
				header = true
				u.Say("Required variables:\n")
			}
			u.Machine("template-variable", v.Name, v.Default, "1")
			u.Say("  " + v.Name)
		}
		if header {
			u.Say("")
		}
		u.Say("Optional variables and their defaults:\n")
		width := 0
		for _, v := range vars {
			width = max(width, len(v.Name))
		}
		for _, v := range vars {
			if v.Required {
				continue
			}
			u.Machine("template-variable", v.Name, v.Default, "0")
			u.Say(fmt.Sprintf("  %-*s = %s", width, v.Name, v.Default))
		}
	}
	u.Say("")

	u.Say("Builders:\n")
	if len(t.Builders) == 0 {
		u.Say("  <No builders>")
	} else {
		names := sortedKeys(t.Builders)
		width := 0
		for _, n := range names {
			width = max(width, len(n))
		}
		for _, n := range names {
			b := t.Builders[n]
			line := fmt.Sprintf("  %-*s", width, n)
			if b.Name != b.Type {
				line += " (" + b.Type + ")"
			}
			u.Machine("template-builder", n, b.Type)
			u.Say(line)
		}
	}
	u.Say("")

	u.Say("Provisioners:\n")
	if len(t.Provisioners) == 0 {
		u.Say("  <No provisioners>")
	} else {
		for _, p := range t.Provisioners {
			u.Machine("template-provisioner", p.Type)
			u.Say("  " + p.Type)
		}
	}
	u.Say(InspectNote)
}

// InspectedBuild is one build of a JSON template, for inspect -json: the
// builder and the provisioners and post-processors that apply to it
// (their only/except taken into account).
type InspectedBuild struct {
	// Name is the raw builder name (the "name" key, default the type).
	Name string
	Type string
	// Provisioners are the types of the provisioners that run, in order.
	Provisioners []string
	// PostProcessors are the chains, each a list of "type" or "type.name"
	// (when the name differs from the type); chains left empty by
	// only/except are dropped.
	PostProcessors [][]string
}

// InspectedBuilds returns the builds of the template sorted by name, as
// Packer sorts JSON builds.
func (t *Template) InspectedBuilds() []InspectedBuild {
	var out []InspectedBuild
	for _, n := range sortedKeys(t.Builders) {
		b := t.Builders[n]
		ib := InspectedBuild{Name: n, Type: b.Type}
		for _, p := range t.Provisioners {
			if !p.Skip(n) {
				ib.Provisioners = append(ib.Provisioners, p.Type)
			}
		}
		for _, chain := range t.PostProcessors {
			var c []string
			for _, pp := range chain {
				if pp.Skip(n) {
					continue
				}
				name := pp.Type
				if pp.Name != "" && pp.Name != pp.Type {
					name += "." + pp.Name
				}
				c = append(c, name)
			}
			if len(c) > 0 {
				ib.PostProcessors = append(ib.PostProcessors, c)
			}
		}
		out = append(out, ib)
	}
	return out
}

// ComponentTypes returns the builder, provisioner and post-processor types
// the template uses, each sorted and without repeats.
func (t *Template) ComponentTypes() (builders, provisioners, postProcessors []string) {
	set := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	b, p, pp := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, x := range t.Builders {
		b[x.Type] = true
	}
	for _, x := range t.Provisioners {
		p[x.Type] = true
	}
	if t.CleanupProvisioner != nil {
		p[t.CleanupProvisioner.Type] = true
	}
	for _, chain := range t.PostProcessors {
		for _, x := range chain {
			pp[x.Type] = true
		}
	}
	return set(b), set(p), set(pp)
}
