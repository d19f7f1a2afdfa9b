package components

import (
	"github.com/kilnbuild/kiln/postprocessor/artifice"
	"github.com/kilnbuild/kiln/postprocessor/checksum"
	"github.com/kilnbuild/kiln/postprocessor/compress"
	"github.com/kilnbuild/kiln/postprocessor/dockerimport"
	"github.com/kilnbuild/kiln/postprocessor/dockerpush"
	"github.com/kilnbuild/kiln/postprocessor/dockersave"
	"github.com/kilnbuild/kiln/postprocessor/dockertag"
	"github.com/kilnbuild/kiln/postprocessor/manifest"
	ppshelllocal "github.com/kilnbuild/kiln/postprocessor/shelllocal"
	"github.com/kilnbuild/kiln/sdk"
)

// postProcessors lists the PostProcessor types kiln compiles in.
func postProcessors() map[string]func() sdk.PostProcessor {
	return map[string]func() sdk.PostProcessor{
		"artifice":      func() sdk.PostProcessor { return &artifice.PostProcessor{} },
		"checksum":      func() sdk.PostProcessor { return &checksum.PostProcessor{} },
		"compress":      func() sdk.PostProcessor { return &compress.PostProcessor{} },
		"manifest":      func() sdk.PostProcessor { return &manifest.PostProcessor{} },
		"shell-local":   func() sdk.PostProcessor { return &ppshelllocal.PostProcessor{} },
		"docker-import": dockerimport.New,
		"docker-push":   dockerpush.New,
		"docker-save":   dockersave.New,
		"docker-tag":    dockertag.New,
	}
}
