package docker

import (
	"context"
	"fmt"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// StepConnect makes the Engine API communicator for the running container
// (communicator "docker"), after checking that the container still runs.
// With communicator "none" there is none.
type StepConnect struct{}

// Run implements multistep.Step.
func (StepConnect) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	if cfg.Communicator == "none" {
		multistep.Put(state, commonsteps.KeyConnInfo, commonsteps.ConnInfo{Type: "none"})
		return multistep.Continue
	}
	drv := multistep.MustGet(state, KeyDriver)
	id := multistep.MustGet(state, KeyContainerID)
	info, err := drv.InspectContainer(ctx, id)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	if !info.Running {
		return multistep.HaltWith(state, fmt.Errorf("container %s exited right after it started: run_command must keep it running, as Packer's default %q does", shortID(id), DefaultRunCommand))
	}
	comm := &Communicator{
		Driver:         drv,
		ContainerID:    id,
		ExecUser:       cfg.ExecUser,
		Tty:            cfg.Pty,
		FixUploadOwner: cfg.FixUploadOwner,
	}
	if dir, ok := multistep.Get(state, KeyTempDir); ok && dir != "" {
		comm.HostDir, comm.ContainerDir = dir, cfg.ContainerDir
	}
	multistep.Put(state, commonsteps.KeyCommunicator, sdk.Communicator(comm))
	multistep.Put(state, commonsteps.KeyConnInfo, commonsteps.ConnInfo{Type: "docker"})
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (StepConnect) Cleanup(*multistep.State) {}
