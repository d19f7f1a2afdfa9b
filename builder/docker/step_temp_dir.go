package docker

import (
	"context"
	"fmt"
	"os"

	"github.com/kilnbuild/kiln/multistep"
)

// StepTempDir creates the host directory mounted at container_dir, under
// PACKER_TMP_DIR when set, else the system temporary directory. Cleanup
// removes it.
type StepTempDir struct{}

// Run implements multistep.Step.
func (StepTempDir) Run(_ context.Context, state *multistep.State) multistep.Action {
	dir, err := os.MkdirTemp(os.Getenv("PACKER_TMP_DIR"), "kiln-docker-")
	if err != nil {
		return multistep.HaltWith(state, fmt.Errorf("create temporary directory: %w", err))
	}
	multistep.Put(state, KeyTempDir, dir)
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepTempDir) Cleanup(state *multistep.State) {
	if dir, ok := multistep.Get(state, KeyTempDir); ok && dir != "" {
		_ = os.RemoveAll(dir)
	}
}
