package chroot

import (
	"context"
	"fmt"
	"time"

	"github.com/kilnbuild/kiln/multistep"
)

// KeyDiskFile is the disk image file StepAttachLoop attaches.
var KeyDiskFile = multistep.NewKey[string]("disk_file")

// StepAttachLoop attaches the disk image named by KeyDiskFile to a free
// loop device, with partition scanning, and puts the device under
// KeyDevice. Its cleanup detaches the device, if it is still attached to
// that file.
//
// Produces: KeyDevice.
type StepAttachLoop struct {
	file, device string
}

var _ Cleanup = (*StepAttachLoop)(nil)

// Run implements multistep.Step.
func (s *StepAttachLoop) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	file, ok := multistep.Get(state, KeyDiskFile)
	if !ok || file == "" {
		return multistep.HaltWith(state, fmt.Errorf("attach loop device: no disk image in state"))
	}
	dev, err := AttachLoop(ctx, file)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	s.file, s.device = file, dev
	ui.Say(fmt.Sprintf("Attached %s to %s", file, dev))
	multistep.Put(state, KeyDevice, dev)
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (s *StepAttachLoop) Cleanup(state *multistep.State) {
	if err := s.CleanupFunc(state); err != nil {
		uiOf(state).Error(err.Error())
	}
}

// CleanupFunc detaches the loop device.
func (s *StepAttachLoop) CleanupFunc(state *multistep.State) error {
	if s.device == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	uiOf(state).Say(fmt.Sprintf("Detaching %s", s.device))
	if err := DetachLoop(ctx, s.device, s.file); err != nil {
		return err
	}
	s.device = ""
	multistep.Remove(state, KeyDevice)
	return nil
}
