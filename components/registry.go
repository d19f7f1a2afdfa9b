package components

import (
	"sort"

	"github.com/kilnbuild/kiln/sdk"
)

// Registry maps component type names to constructors.
type Registry struct {
	Builders       map[string]func() sdk.Builder
	Provisioners   map[string]func() sdk.Provisioner
	PostProcessors map[string]func() sdk.PostProcessor
	Datasources    map[string]func() sdk.Datasource
}

// Default returns the registry of every component kiln provides.
func Default() *Registry {
	return &Registry{
		Builders:       builders(),
		Provisioners:   provisioners(),
		PostProcessors: postProcessors(),
		Datasources:    datasources(),
	}
}

// Names returns the sorted keys of a constructor table.
func Names[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
