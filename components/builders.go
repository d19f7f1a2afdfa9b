package components

import (
	"github.com/kilnbuild/kiln/builder/chroot"
	"github.com/kilnbuild/kiln/sdk"
)

// builders lists the Builder types kiln compiles in.
func builders() map[string]func() sdk.Builder {
	return map[string]func() sdk.Builder{
		"chroot": chroot.New,
	}
}
