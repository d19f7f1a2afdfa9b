package components

import (
	"github.com/kilnbuild/kiln/datasource/http"
	"github.com/kilnbuild/kiln/datasource/null"
	"github.com/kilnbuild/kiln/sdk"
)

// datasources lists the Datasource types kiln compiles in.
func datasources() map[string]func() sdk.Datasource {
	return map[string]func() sdk.Datasource{
		"http": func() sdk.Datasource { return &http.Datasource{} },
		"null": func() sdk.Datasource { return &null.Datasource{} },
	}
}
