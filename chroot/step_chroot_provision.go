package chroot

import (
	"context"
	"fmt"
	"time"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// StepChrootProvision provisions the chroot: it puts a Communicator for
// KeyMountPath in the state and fires the provision hook. Its cleanup
// kills whatever still runs inside the chroot.
//
// Produces: commonsteps.KeyCommunicator, commonsteps.KeyConnInfo, and
// commonsteps.KeyInstanceID unless already set.
type StepChrootProvision struct {
	// ShareNamespaces is passed on to the Communicator.
	ShareNamespaces bool

	root string
}

// Run implements multistep.Step.
func (s *StepChrootProvision) Run(ctx context.Context, state *multistep.State) multistep.Action {
	root, ok := multistep.Get(state, KeyMountPath)
	if !ok || root == "" {
		return multistep.HaltWith(state, fmt.Errorf("provision: no mount path in state"))
	}
	s.root = root
	comm := &Communicator{Chroot: root, CmdWrapper: wrapperOf(state), ShareNamespaces: s.ShareNamespaces}
	multistep.Put(state, commonsteps.KeyCommunicator, sdk.Communicator(comm))
	multistep.Put(state, commonsteps.KeyConnInfo, commonsteps.ConnInfo{Type: "chroot"})
	if id, ok := multistep.Get(state, commonsteps.KeyInstanceID); !ok || id == "" {
		multistep.Put(state, commonsteps.KeyInstanceID, root)
	}
	uiOf(state).Say("Provisioning inside the chroot...")
	return commonsteps.StepProvision{}.Run(ctx, state)
}

// Cleanup implements multistep.Step.
func (s *StepChrootProvision) Cleanup(state *multistep.State) {
	if s.root == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := KillProcesses(ctx, s.root)
	if err != nil {
		uiOf(state).Error(err.Error())
	} else if n > 0 {
		uiOf(state).Say(fmt.Sprintf("Killed %d processes left in the chroot", n))
	}
}

// StepEarlyCleanup undoes, in the order given, the work of earlier steps
// before the build ends: typically the copied files and the extra mounts
// before the image is exported, then the device mount and the loop device
// before the disk is converted. The steps' own cleanups then have
// nothing left to do.
type StepEarlyCleanup struct {
	Cleanups []Cleanup
}

// Run implements multistep.Step.
func (s *StepEarlyCleanup) Run(_ context.Context, state *multistep.State) multistep.Action {
	for _, c := range s.Cleanups {
		if err := c.CleanupFunc(state); err != nil {
			return multistep.HaltWith(state, fmt.Errorf("early cleanup: %w", err))
		}
	}
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (s *StepEarlyCleanup) Cleanup(*multistep.State) {}
