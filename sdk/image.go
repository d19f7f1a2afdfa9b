package sdk

import (
	"errors"
	"fmt"
)

// ImageMetadata describes one image an artifact holds, in the form an
// image-metadata registry (such as HCP Packer) records it. Artifacts return
// []ImageMetadata from State(StateImageMetadata).
type ImageMetadata struct {
	// ImageID identifies the image at its provider (an image id, a name).
	ImageID string
	// ProviderName is the platform, e.g. "docker".
	ProviderName string
	// ProviderRegion is where the image lives, e.g. "docker" for local images.
	ProviderRegion string
	// Labels are free-form annotations (tags, digests, …).
	Labels map[string]string
	// SourceImageID is the parent image, for ancestry.
	SourceImageID string
}

// Validate reports whether the metadata carries the fields a registry needs.
func (m ImageMetadata) Validate() error {
	var errs []error
	if m.ImageID == "" {
		errs = append(errs, errors.New("image id is empty"))
	}
	if m.ProviderName == "" {
		errs = append(errs, errors.New("provider name is empty"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid image metadata: %w", errors.Join(errs...))
	}
	return nil
}
