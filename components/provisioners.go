package components

import (
	"github.com/kilnbuild/kiln/provisioner/breakpoint"
	"github.com/kilnbuild/kiln/provisioner/file"
	"github.com/kilnbuild/kiln/provisioner/shell"
	"github.com/kilnbuild/kiln/provisioner/shelllocal"
	"github.com/kilnbuild/kiln/provisioner/sleep"
	"github.com/kilnbuild/kiln/sdk"
)

// provisioners lists the Provisioner types kiln compiles in.
func provisioners() map[string]func() sdk.Provisioner {
	return map[string]func() sdk.Provisioner{
		"breakpoint":  func() sdk.Provisioner { return &breakpoint.Provisioner{} },
		"file":        func() sdk.Provisioner { return &file.Provisioner{} },
		"shell":       func() sdk.Provisioner { return &shell.Provisioner{} },
		"shell-local": func() sdk.Provisioner { return &shelllocal.Provisioner{} },
		"sleep":       func() sdk.Provisioner { return &sleep.Provisioner{} },
	}
}
