package docker

import (
	"context"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// StepDefaultGeneratedData puts Packer's placeholders for the docker
// builder's generated data, so provisioners can read every key even when
// a value is never found.
type StepDefaultGeneratedData struct{}

// Run implements multistep.Step.
func (StepDefaultGeneratedData) Run(_ context.Context, state *multistep.State) multistep.Action {
	commonsteps.PutGenerated(state, GenImageSha256, placeholderImageSha256)
	commonsteps.PutGenerated(state, GenSourceImageDigest, placeholderSourceImageDigest)
	commonsteps.PutGenerated(state, GenSourceImageSha256, placeholderSourceImageSha256)
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepDefaultGeneratedData) Cleanup(*multistep.State) {}
