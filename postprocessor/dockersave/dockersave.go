// Package dockersave is the docker-save post-processor: it writes the image
// of a docker artifact to a tar file, as `docker save`, streamed from the
// Engine API.
package dockersave

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

// BuilderId is docker-save's plugin type id (it never appears on an
// artifact: docker-save returns its input).
const BuilderId = "packer.post-processor.docker-save"

// Config is docker-save's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	// Path is the file to write.
	Path string `mapstructure:"path" required:"true"`
	// KeepInputArtifact is applied by core.
	KeepInputArtifact *bool `mapstructure:"keep_input_artifact"`
}

// PostProcessor is docker-save.
type PostProcessor struct {
	// Driver is the engine; nil means the Engine API driver.
	Driver docker.Driver

	config Config
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// New returns a docker-save post-processor.
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

// PostProcess implements sdk.PostProcessor. It returns its input artifact
// (as Packer: the saved file is not part of it) and keeps it.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (out sdk.Artifact, keep, force bool, err error) {
	switch in.BuilderId() {
	case docker.BuilderIdImport, docker.BuilderIdTag:
	default:
		return nil, false, false, fmt.Errorf("unknown artifact type: %s\ncan only save Docker builder artifacts", in.BuilderId())
	}
	drv, err := docker.DriverOr(p.Driver)
	if err != nil {
		return nil, false, false, err
	}
	path := p.config.Path
	ui.Message(fmt.Sprintf("Saving image: %s", in.Id()))
	f, err := os.Create(path)
	if err != nil {
		return nil, false, false, fmt.Errorf("save %s: %w", in.Id(), err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("save %s: %w", in.Id(), cerr)
		}
		if err != nil {
			_ = os.Remove(path)
			out, keep = nil, false
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := drv.SaveImage(ctx, []string{in.Id()}, w); err != nil {
		return nil, false, false, err
	}
	if err := w.Flush(); err != nil {
		return nil, false, false, fmt.Errorf("save %s: %w", in.Id(), err)
	}
	ui.Message(fmt.Sprintf("Saved to: %s", path))
	return in, true, false, nil
}
