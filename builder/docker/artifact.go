package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// Builder ids of docker artifacts, as in Packer.
const (
	// BuilderId is the id of the export and discard artifacts.
	BuilderId = "packer.docker"
	// BuilderIdImport is the id of image artifacts: the builder's commit
	// artifact carries the docker-import post-processor's id, as Packer's.
	BuilderIdImport = "packer.post-processor.docker-import"
	// BuilderIdTag is the id of docker-tag's artifact.
	BuilderIdTag = "packer.post-processor.docker-tag"
)

// StateDockerTags is the artifact state holding the tags docker-tag set
// ([]string), which docker-push pushes.
const StateDockerTags = "docker_tags"

// destroyTimeout bounds Artifact.Destroy, which has no context.
const destroyTimeout = 2 * time.Minute

// ImportArtifact is a Docker image: the builder's commit, and what the
// docker-import, docker-tag and docker-push post-processors make.
type ImportArtifact struct {
	BuilderIdValue string
	// IdValue is the image id (commit), or a repo[:tag] (post-processors).
	IdValue string
	Driver  Driver
	// StateData answers State: generated_data, docker_tags, ...
	StateData map[string]any
}

var _ sdk.Artifact = (*ImportArtifact)(nil)

// BuilderId implements sdk.Artifact.
func (a *ImportArtifact) BuilderId() string { return a.BuilderIdValue }

// Files implements sdk.Artifact: an image has no files.
func (a *ImportArtifact) Files() []string { return nil }

// Id implements sdk.Artifact.
func (a *ImportArtifact) Id() string { return a.IdValue }

// String implements sdk.Artifact.
func (a *ImportArtifact) String() string {
	if tags := a.Tags(); len(tags) > 0 {
		return fmt.Sprintf("Imported Docker image: %s with tags %s", a.Id(), strings.Join(tags, " "))
	}
	return fmt.Sprintf("Imported Docker image: %s", a.Id())
}

// Tags returns the tags in StateData[StateDockerTags].
func (a *ImportArtifact) Tags() []string {
	switch t := a.StateData[StateDockerTags].(type) {
	case []string:
		return t
	case []any:
		var out []string
		for _, v := range t {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// State implements sdk.Artifact. StateImageMetadata describes the image
// as Packer's docker plugin does for HCP Packer: provider and region
// "docker", the image sha256 as ImageID (when the build's generated data
// is there), the base image's sha256 as SourceImageID, and labels for the
// tags, digests and artifact id.
func (a *ImportArtifact) State(name string) any {
	if name == sdk.StateImageMetadata {
		return []sdk.ImageMetadata{a.imageMetadata()}
	}
	return a.StateData[name]
}

func (a *ImportArtifact) imageMetadata() sdk.ImageMetadata {
	md := sdk.ImageMetadata{
		ImageID:        a.Id(),
		ProviderName:   "docker",
		ProviderRegion: "docker",
		Labels:         map[string]string{},
	}
	if tags := a.Tags(); len(tags) > 0 {
		md.Labels["tags"] = strings.Join(tags, ",")
	}
	data, ok := a.StateData[sdk.StateGeneratedData].(map[string]any)
	if !ok {
		return md
	}
	str := func(k string) string { s, _ := data[k].(string); return s }
	md.SourceImageID = str(GenSourceImageSha256)
	md.Labels["SourceImageDigest"] = str(GenSourceImageDigest)
	md.Labels["ImageSha256"] = str(GenImageSha256)
	md.Labels["PackerArtifactID"] = a.Id()
	if d := str("Digest"); d != "" {
		md.Labels["ImageDigest"] = d
	}
	md.ImageID = str(GenImageSha256)
	return md
}

// Destroy implements sdk.Artifact: it removes the image (`docker rmi`;
// for a repo:tag id, the tag).
func (a *ImportArtifact) Destroy() error {
	if a.Driver == nil {
		return errors.New("destroy image: no docker driver")
	}
	ctx, cancel := context.WithTimeout(context.Background(), destroyTimeout)
	defer cancel()
	return a.Driver.RemoveImage(ctx, a.Id(), false)
}

// ExportArtifact is a container exported to a tar file, or discarded (no
// path).
type ExportArtifact struct {
	Path      string
	StateData map[string]any
}

var _ sdk.Artifact = (*ExportArtifact)(nil)

// BuilderId implements sdk.Artifact.
func (*ExportArtifact) BuilderId() string { return BuilderId }

// Files implements sdk.Artifact. As in Packer, a discarded container still
// has one file: the empty string.
func (a *ExportArtifact) Files() []string { return []string{a.Path} }

// Id implements sdk.Artifact.
func (*ExportArtifact) Id() string { return "Container" }

// String implements sdk.Artifact.
func (a *ExportArtifact) String() string { return fmt.Sprintf("Exported Docker file: %s", a.Path) }

// State implements sdk.Artifact. An exported file is not an image a
// registry can record: StateImageMetadata is nil, as in Packer.
func (a *ExportArtifact) State(name string) any {
	if name == sdk.StateImageMetadata {
		return nil
	}
	return a.StateData[name]
}

// Destroy implements sdk.Artifact: it removes the exported file.
func (a *ExportArtifact) Destroy() error {
	if a.Path == "" {
		return nil
	}
	if err := os.Remove(a.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("destroy %s: %w", a.Path, err)
	}
	return nil
}
