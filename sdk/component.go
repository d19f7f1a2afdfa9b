package sdk

import (
	"context"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// Builder creates a machine image. Prepare validates configuration without
// side effects; Run performs the build, firing HookProvision once a
// communicator is ready, and returns the resulting artifact.
type Builder interface {
	// ConfigSpec describes the configuration the builder accepts. It is
	// derived from the builder's Config struct (see package sdk/config).
	ConfigSpec() hcldec.ObjectSpec
	// Prepare decodes and validates raws, applied in order: each is either a
	// cty.Value object (HCL) or a map[string]any (JSON). It returns the names
	// of the generated data the builder will provide, and warnings.
	Prepare(raws ...any) (generatedVars []string, warnings []string, err error)
	// Run executes the build. It must honour ctx cancellation and clean up
	// everything it created when it returns with an error.
	Run(ctx context.Context, ui Ui, hook Hook) (Artifact, error)
}

// Provisioner installs and configures software on a running machine through
// a Communicator.
type Provisioner interface {
	ConfigSpec() hcldec.ObjectSpec
	Prepare(raws ...any) error
	Provision(ctx context.Context, ui Ui, comm Communicator, generatedData map[string]any) error
}

// PostProcessor turns an artifact into another one. keep asks for the input
// artifact to be kept; forceOverride makes that answer win over the user's
// keep_input_artifact setting.
type PostProcessor interface {
	ConfigSpec() hcldec.ObjectSpec
	Configure(raws ...any) error
	PostProcess(ctx context.Context, ui Ui, a Artifact) (out Artifact, keep, forceOverride bool, err error)
}

// Datasource fetches data at template evaluation time. Its result is exposed
// to templates as data.<type>.<name>.
type Datasource interface {
	ConfigSpec() hcldec.ObjectSpec
	// OutputSpec describes the object Execute returns; while a data source is
	// not executed (validate without -evaluate-datasources) templates see an
	// unknown value of this shape.
	OutputSpec() hcldec.ObjectSpec
	Configure(raws ...any) error
	Execute(ctx context.Context) (cty.Value, error)
}

// Artifact is the result of a build or a post-processor.
type Artifact interface {
	// BuilderId identifies the kind of artifact, e.g. "packer.docker".
	BuilderId() string
	// Files lists the files the artifact consists of, if any.
	Files() []string
	// Id is a unique identifier of the artifact, e.g. an image id.
	Id() string
	// String is the human description printed at the end of a build.
	String() string
	// State returns builder-specific state. Every artifact answers
	// StateGeneratedData and, for images, StateImageMetadata.
	State(name string) any
	// Destroy removes the artifact and anything it is made of.
	Destroy() error
}

// Names passed to Artifact.State.
const (
	// StateGeneratedData returns the map[string]any of the build's
	// generated data (build.ID, build.Host, …).
	StateGeneratedData = "generated_data"
	// StateImageMetadata returns the ImageMetadata describing the images
	// an artifact holds, as an image-metadata registry wants them.
	StateImageMetadata = "par.artifact.metadata"
)
