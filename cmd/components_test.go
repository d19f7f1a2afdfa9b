package cmd

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/sdk"
)

// Components are grouped by origin: a Packer plugin is listed only when
// the registry has some of its components, Packer's built-in components
// name those missing, and the rest are kiln's own.
func TestComponentGroups(t *testing.T) {
	reg := &components.Registry{
		Builders:       map[string]func() sdk.Builder{"null": nil, "chroot": nil},
		Provisioners:   map[string]func() sdk.Provisioner{"shell": nil, "custom": nil},
		PostProcessors: map[string]func() sdk.PostProcessor{"manifest": nil},
		Datasources:    map[string]func() sdk.Datasource{},
	}
	groups := componentGroups(reg)
	type g struct {
		Title        string
		Set, Missing componentSet
	}
	var got []g
	for _, x := range groups {
		got = append(got, g{x.title, x.set, x.missing})
	}
	want := []g{
		{
			Title: "Packer built-in components",
			Set:   componentSet{Builders: []string{"null"}, Provisioners: []string{"shell"}, PostProcessors: []string{"manifest"}},
			Missing: componentSet{
				Builders:       []string{"file"},
				Provisioners:   []string{"breakpoint", "file", "hcp-sbom", "powershell", "shell-local", "sleep", "windows-restart", "windows-shell"},
				PostProcessors: []string{"artifice", "checksum", "compress", "provenance", "shell-local"},
				Datasources:    packerBuiltins.Datasources,
			},
		},
		{
			Title: "kiln's own components",
			Set:   componentSet{Builders: []string{"chroot"}, Provisioners: []string{"custom"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}

	// With the docker builder, the docker plugin comes first and claims it.
	reg.Builders["docker"] = nil
	groups = componentGroups(reg)
	if groups[0].title != "github.com/hashicorp/docker v1.1.2" || !cmp.Equal(groups[0].set, componentSet{Builders: []string{"docker"}}) {
		t.Errorf("first group %+v", groups[0])
	}
	if own := groups[len(groups)-1]; own.title != "kiln's own components" || !cmp.Equal(own.set.Builders, []string{"chroot"}) {
		t.Errorf("last group %+v", own)
	}
}

func TestValidSource(t *testing.T) {
	for s, ok := range map[string]bool{
		"github.com/hashicorp/docker":         true,
		"https://github.com/hashicorp/docker": true,
		"docker":                              false,
		"hashicorp/docker":                    false,
		"github.com//docker":                  false,
	} {
		if err := validSource(s); (err == nil) != ok {
			t.Errorf("validSource(%q) = %v", s, err)
		}
	}
}
