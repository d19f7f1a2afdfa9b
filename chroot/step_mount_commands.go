package chroot

import (
	"context"
	"fmt"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// StepPreMountCommands runs commands on the host before the device is
// mounted, typically to partition and format a new disk
// ({{.Device}} is the disk, {{.MountPath}} where it will be mounted).
type StepPreMountCommands struct {
	Commands []string
	// Ctx is the template context commands are rendered with; its Data
	// is replaced by a CommandData.
	Ctx interpolate.Context
}

// Run implements multistep.Step.
func (s *StepPreMountCommands) Run(ctx context.Context, state *multistep.State) multistep.Action {
	return runMountCommands(ctx, state, "pre-mount", s.Commands, s.Ctx)
}

// Cleanup implements multistep.Step.
func (s *StepPreMountCommands) Cleanup(*multistep.State) {}

// StepPostMountCommands runs commands on the host after the device is
// mounted, before the chroot's pseudo filesystems are mounted and files
// copied in ({{.Device}}, {{.MountPath}}).
type StepPostMountCommands struct {
	Commands []string
	// Ctx is the template context commands are rendered with; its Data
	// is replaced by a CommandData.
	Ctx interpolate.Context
}

// Run implements multistep.Step.
func (s *StepPostMountCommands) Run(ctx context.Context, state *multistep.State) multistep.Action {
	return runMountCommands(ctx, state, "post-mount", s.Commands, s.Ctx)
}

// Cleanup implements multistep.Step.
func (s *StepPostMountCommands) Cleanup(*multistep.State) {}

func runMountCommands(ctx context.Context, state *multistep.State, what string, commands []string, ictx interpolate.Context) multistep.Action {
	if len(commands) == 0 {
		return multistep.Continue
	}
	ui := uiOf(state)
	device, _ := multistep.Get(state, KeyDevice)
	mountPath, _ := multistep.Get(state, KeyMountPath)
	ictx.Data = CommandData{Device: device, MountPath: mountPath}
	ui.Say(fmt.Sprintf("Running %s commands...", what))
	if err := RunLocalCommands(ctx, commands, wrapperOf(state), ictx, ui); err != nil {
		return multistep.HaltWith(state, fmt.Errorf("%s commands: %w", what, err))
	}
	return multistep.Continue
}
