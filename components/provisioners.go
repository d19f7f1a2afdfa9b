package components

import "github.com/kilnbuild/kiln/sdk"

// provisioners lists the Provisioner types kiln compiles in.
func provisioners() map[string]func() sdk.Provisioner {
	return map[string]func() sdk.Provisioner{}
}
