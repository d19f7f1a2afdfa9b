// Package generated reads the generated data an artifact carries, for the
// post-processors that render templates with it.
package generated

import (
	"fmt"

	"github.com/kilnbuild/kiln/sdk"
)

// Data returns a copy of a's generated data (an empty map when it has
// none), with keys as strings whatever map type the artifact used.
func Data(a sdk.Artifact) map[string]any {
	out := map[string]any{}
	if a == nil {
		return out
	}
	switch m := a.State(sdk.StateGeneratedData).(type) {
	case map[string]any:
		for k, v := range m {
			out[k] = v
		}
	case map[string]string:
		for k, v := range m {
			out[k] = v
		}
	case map[any]any:
		for k, v := range m {
			out[fmt.Sprint(k)] = v
		}
	}
	return out
}
