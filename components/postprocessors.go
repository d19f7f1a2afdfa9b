package components

import (
	"github.com/kilnbuild/kiln/postprocessor/dockerimport"
	"github.com/kilnbuild/kiln/postprocessor/dockerpush"
	"github.com/kilnbuild/kiln/postprocessor/dockersave"
	"github.com/kilnbuild/kiln/postprocessor/dockertag"
	"github.com/kilnbuild/kiln/sdk"
)

// postProcessors lists the PostProcessor types kiln compiles in.
func postProcessors() map[string]func() sdk.PostProcessor {
	return map[string]func() sdk.PostProcessor{
		"docker-import": dockerimport.New,
		"docker-push":   dockerpush.New,
		"docker-save":   dockersave.New,
		"docker-tag":    dockertag.New,
	}
}
