// Package dockertag is the docker-tag post-processor: it tags the image of
// a docker builder (commit) or docker-import artifact in the local engine,
// through the Engine API.
package dockertag

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/builder/docker"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// Config is docker-tag's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	Repository string   `mapstructure:"repository" required:"true"`
	Tags       []string `mapstructure:"tags"`
	// Tag is the deprecated spelling of Tags; its entries are added to Tags.
	Tag []string `mapstructure:"tag"`
	// Force is accepted for compatibility: engines since 1.12 ignore it.
	Force bool `mapstructure:"force"`
	// DockerPath is accepted and ignored: kiln speaks the Engine API.
	DockerPath string `mapstructure:"docker_path"`
	// KeepInputArtifact is accepted (core applies it); docker-tag always
	// keeps its input, as Packer's.
	KeepInputArtifact *bool `mapstructure:"keep_input_artifact"`
}

// PostProcessor is docker-tag.
type PostProcessor struct {
	// Driver is the engine; nil means the Engine API driver.
	Driver docker.Driver

	config Config
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// New returns a docker-tag post-processor.
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

// PostProcess implements sdk.PostProcessor. It returns an artifact whose
// id is the last repository:tag (the repository alone without tags) and
// whose docker_tags are the repository:tag names it made (none without
// tags), as Packer; it keeps the input artifact and forces that choice.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	if len(p.config.Tag) > 0 {
		ui.Say("Deprecation warning: \"tag\" option has been replaced with \"tags\". In future versions of Packer, this configuration may not work. Please call `packer fix` on your template to update.")
	}
	switch in.BuilderId() {
	case docker.BuilderIdImport, docker.BuilderIdTag:
	default:
		return nil, false, true, fmt.Errorf("unknown artifact type: %s\ncan only tag from Docker builder artifacts", in.BuilderId())
	}
	drv, err := docker.DriverOr(p.Driver)
	if err != nil {
		return nil, false, true, err
	}
	tags := append(slices.Clone(p.config.Tags), p.config.Tag...)
	names := []string{p.config.Repository}
	if len(tags) > 0 {
		names = names[:0]
		for _, t := range tags {
			names = append(names, p.config.Repository+":"+t)
		}
	}
	for _, name := range names {
		ui.Message(fmt.Sprintf("Tagging image: %s", in.Id()))
		ui.Message(fmt.Sprintf("Repository: %s", name))
		if err := drv.TagImage(ctx, in.Id(), name); err != nil {
			return nil, false, true, err
		}
	}
	repoTags := []string{}
	if len(tags) > 0 {
		repoTags = names
	}
	out := &docker.ImportArtifact{
		BuilderIdValue: docker.BuilderIdTag,
		IdValue:        names[len(names)-1],
		Driver:         drv,
		StateData: map[string]any{
			docker.StateDockerTags: repoTags,
			sdk.StateGeneratedData: in.State(sdk.StateGeneratedData),
		},
	}
	return out, true, true, nil
}
