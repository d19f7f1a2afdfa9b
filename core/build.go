package core

import (
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// Build is one build of a template, ready to run: its builder is prepared,
// its provisioners and post-processors are described and can be configured
// for the build's generated data.
type Build struct {
	// Name is the full name, "[build.]type.name" in HCL2 templates and
	// "type" or "type.name" in JSON ones. It prefixes Ui output, is what
	// -only/-except match, and is the machine-readable target.
	Name string
	// Type is the builder type, e.g. "docker".
	Type string
	// SourceName is the source label (HCL2) or the raw builder name (JSON):
	// packer_build_name, PACKER_BUILD_NAME, the manifest's "name".
	SourceName string
	// Builder is the prepared builder.
	Builder sdk.Builder
	// GeneratedVars are the builder-specific generated data keys.
	GeneratedVars []string
	// Provisioners run in order through the provision hook.
	Provisioners []*Provisioner
	// ErrorCleanupProvisioner runs when the build fails, if set.
	ErrorCleanupProvisioner *Provisioner
	// PostProcessors are chains: the artifact goes through each chain in
	// turn, each chain starting again from the builder's artifact.
	PostProcessors [][]*PostProcessor
}

// Provisioner describes one provisioner of a build.
type Provisioner struct {
	// Type is the provisioner type, e.g. "shell".
	Type string
	// Name is the optional label given to the provisioner block.
	Name        string
	PauseBefore time.Duration
	MaxRetries  int
	Timeout     time.Duration
	// Configure returns the provisioner prepared for the build's generated
	// data: templates re-evaluate the configuration with the real values
	// (build.* in HCL2, {{ build }} in JSON) before it runs.
	Configure func(generated map[string]any) (sdk.Provisioner, error)
}

// PostProcessor describes one post-processor of a chain.
type PostProcessor struct {
	// Type is the post-processor type, e.g. "manifest".
	Type string
	// Name is the optional label (what -except matches; default Type).
	Name string
	// KeepInputArtifact is the user's keep_input_artifact, nil when unset.
	KeepInputArtifact *bool
	// Configure returns the post-processor configured for the generated
	// data of the artifact it receives.
	Configure func(generated map[string]any) (sdk.PostProcessor, error)
}
