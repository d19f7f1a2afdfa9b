package chroot

import (
	"errors"
	"io"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// State keys the steps of this package read and write.
var (
	// KeyMountPath is the host directory the chroot's root is at. The
	// builder puts it before the first step of this package runs.
	KeyMountPath = multistep.NewKey[string]("mount_path")
	// KeyDevice is the block device holding the image's disk (a loop
	// device), put by StepAttachLoop; absent for a chroot on a plain
	// directory.
	KeyDevice = multistep.NewKey[string]("device")
	// KeyCommandWrapper wraps every command run on the host or in the
	// chroot (command_wrapper); absent means none.
	KeyCommandWrapper = multistep.NewKey[CommandWrapper]("wrapped_command")
)

// Cleanup is implemented by steps whose work can be undone before the
// build ends (by StepEarlyCleanup) as well as in their Cleanup. CleanupFunc
// must be safe to call more than once.
type Cleanup interface {
	CleanupFunc(state *multistep.State) error
}

// uiOf returns the build's Ui, or one that discards everything.
func uiOf(state *multistep.State) sdk.Ui {
	if u, ok := multistep.Get(state, commonsteps.KeyUi); ok && u != nil {
		return u
	}
	return discardUi{}
}

// wrapperOf returns the command wrapper in state, or the identity.
func wrapperOf(state *multistep.State) CommandWrapper {
	if w, ok := multistep.Get(state, KeyCommandWrapper); ok && w != nil {
		return w
	}
	return func(c string) (string, error) { return c, nil }
}

// discardUi is the Ui of steps run without one.
type discardUi struct{}

func (discardUi) Ask(string) (string, error) { return "", errors.New("no input available") }
func (discardUi) Say(string)                 {}
func (discardUi) Message(string)             {}
func (discardUi) Error(string)               {}
func (discardUi) Machine(string, ...string)  {}
func (discardUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser {
	return s
}
