package components

import "github.com/kilnbuild/kiln/sdk"

// postProcessors lists the PostProcessor types kiln compiles in.
func postProcessors() map[string]func() sdk.PostProcessor {
	return map[string]func() sdk.PostProcessor{}
}
