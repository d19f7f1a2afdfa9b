// Package dockerimport is the docker-import post-processor: it imports the
// tarball of a docker builder export (or an artifice artifact) as an image,
// streaming the file to the Engine API.
package dockerimport

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/builder/docker"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// BuilderIdArtifice is the id of the artifice post-processor's artifacts,
// whose first file docker-import accepts too.
const BuilderIdArtifice = "packer.post-processor.artifice"

// Config is docker-import's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	Repository string   `mapstructure:"repository"`
	Tag        string   `mapstructure:"tag"`
	Changes    []string `mapstructure:"changes"`
	Platform   string   `mapstructure:"platform"`
	// KeepInputArtifact is applied by core.
	KeepInputArtifact *bool `mapstructure:"keep_input_artifact"`
}

// PostProcessor is docker-import.
type PostProcessor struct {
	// Driver is the engine; nil means the Engine API driver.
	Driver docker.Driver

	config Config
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// New returns a docker-import post-processor.
func New() sdk.PostProcessor { return &PostProcessor{} }

// ConfigSpec implements sdk.PostProcessor.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Configure implements sdk.PostProcessor.
func (p *PostProcessor) Configure(raws ...any) error {
	var c Config
	if err := config.Decode(&c, nil, raws...); err != nil {
		return err
	}
	p.config = c
	return nil
}

// PostProcess implements sdk.PostProcessor. As Packer's, the artifact's
// id is repository[:tag] (not the image id) and carries no generated data;
// the input is not kept unless keep_input_artifact says so.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	switch in.BuilderId() {
	case docker.BuilderId, BuilderIdArtifice:
	default:
		return nil, false, false, fmt.Errorf("unknown artifact type: %s\ncan only import from Docker builder and Artifice post-processor artifacts. If you are getting this error after having run the docker builder, it may be because you set commit: true in your Docker builder, so the image is already imported", in.BuilderId())
	}
	files := in.Files()
	if len(files) == 0 || files[0] == "" {
		return nil, false, false, fmt.Errorf("import %s: the artifact has no file to import (a discarded container?)", in.Id())
	}
	drv, err := docker.DriverOr(p.Driver)
	if err != nil {
		return nil, false, false, err
	}
	repo := p.config.Repository
	if p.config.Tag != "" {
		repo += ":" + p.config.Tag
	}
	ui.Message(fmt.Sprintf("Importing image: %s", in.Id()))
	ui.Message(fmt.Sprintf("Repository: %s", repo))
	f, err := os.Open(files[0])
	if err != nil {
		return nil, false, false, fmt.Errorf("import %s: %w", files[0], err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	r := ui.TrackProgress(files[0], 0, size, f)
	defer r.Close()
	id, err := drv.ImportImage(ctx, bufio.NewReaderSize(r, 1<<20), repo, p.config.Changes, p.config.Platform, "")
	if err != nil {
		return nil, false, false, err
	}
	ui.Message(fmt.Sprintf("Imported ID: %s", id))
	return &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdImport, IdValue: repo, Driver: drv}, false, false, nil
}
