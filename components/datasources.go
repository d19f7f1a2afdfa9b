package components

import "github.com/kilnbuild/kiln/sdk"

// datasources lists the Datasource types kiln compiles in.
func datasources() map[string]func() sdk.Datasource {
	return map[string]func() sdk.Datasource{}
}
