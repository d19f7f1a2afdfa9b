package chroot

import (
	"fmt"
	"path/filepath"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/sdk"
)

// ProviderName is the image-metadata provider of chroot images.
const ProviderName = "chroot"

// Artifact is a chroot build's output.
type Artifact struct {
	// Format is the output format (directory, tar, raw, qcow2, oci).
	Format string
	// Path is the output file or directory.
	Path string
	// ImageID is the image's digest (tar: the file's sha256; oci: the
	// image id docker load reports) or, for directory, raw and qcow2
	// outputs, its path.
	ImageID string
	// SourceImageID is the source's digest: a Docker image's id, a
	// tarball's or raw image's sha256; empty for a directory or nothing.
	SourceImageID string
	// Source is the source as configured.
	Source string

	generated map[string]any
}

var _ sdk.Artifact = (*Artifact)(nil)

// BuilderId implements sdk.Artifact.
func (a *Artifact) BuilderId() string { return BuilderID }

// Files implements sdk.Artifact.
func (a *Artifact) Files() []string { return []string{a.Path} }

// Id implements sdk.Artifact.
func (a *Artifact) Id() string { return a.ImageID }

// String implements sdk.Artifact.
func (a *Artifact) String() string {
	return fmt.Sprintf("chroot image (%s): %s", a.Format, a.Path)
}

// State implements sdk.Artifact.
func (a *Artifact) State(name string) any {
	switch name {
	case sdk.StateGeneratedData:
		return a.generated
	case sdk.StateImageMetadata:
		labels := map[string]string{"format": a.Format, "path": a.Path}
		if a.Source != "" {
			labels["source"] = a.Source
		}
		return []sdk.ImageMetadata{{
			ImageID:        a.ImageID,
			ProviderName:   ProviderName,
			ProviderRegion: filepath.Dir(a.Path),
			Labels:         labels,
			SourceImageID:  a.SourceImageID,
		}}
	}
	return nil
}

// Destroy implements sdk.Artifact.
func (a *Artifact) Destroy() error { return chroot.RemoveAll(a.Path) }
