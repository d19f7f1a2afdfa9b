package chroot

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/kilnbuild/kiln/multistep"
)

// StepMountDevice mounts a partition of the device under KeyDevice at
// KeyMountPath with mount(8), which recognises the filesystem. Its cleanup
// stops the processes still running in the chroot and unmounts
// everything at or below the mount path, deepest first.
type StepMountDevice struct {
	// Partition is the partition to mount; 0 mounts the whole device,
	// and a negative number partition 1 if the disk has a partition
	// table, the whole device otherwise.
	Partition int
	// Options are mount options (-o), e.g. "noatime".
	Options []string

	mountPath string
}

var _ Cleanup = (*StepMountDevice)(nil)

// Run implements multistep.Step.
func (s *StepMountDevice) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	dev, ok := multistep.Get(state, KeyDevice)
	if !ok || dev == "" {
		return multistep.HaltWith(state, fmt.Errorf("mount device: no device in state"))
	}
	mountPath, ok := multistep.Get(state, KeyMountPath)
	if !ok || mountPath == "" {
		return multistep.HaltWith(state, fmt.Errorf("mount device: no mount path in state"))
	}
	n := s.Partition
	if n < 0 {
		n = 0
		if DiskHasPartitions(ctx, dev) {
			n = 1
		}
	}
	part := PartitionDevice(dev, n)
	if err := WaitForBlockDevice(ctx, part, dev); err != nil {
		return multistep.HaltWith(state, fmt.Errorf("mount device: %w", err))
	}
	args := []string{}
	if len(s.Options) > 0 {
		args = append(args, "-o", strings.Join(s.Options, ","))
	}
	args = append(args, part, mountPath)
	ui.Say(fmt.Sprintf("Mounting %s at %s", part, mountPath))
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "mount", args...)
	cmd.Stderr = &stderr
	// Record the mount path first: if mount(8) is killed half-way, the
	// cleanup still looks there.
	s.mountPath = mountPath
	if err := cmd.Run(); err != nil {
		return multistep.HaltWith(state, fmt.Errorf("mount %s at %s: %w: %s", part, mountPath, err, strings.TrimSpace(stderr.String())))
	}
	return multistep.Continue
}

// Cleanup implements multistep.Step.
func (s *StepMountDevice) Cleanup(state *multistep.State) {
	if err := s.CleanupFunc(state); err != nil {
		uiOf(state).Error(err.Error())
	}
}

// CleanupFunc stops what runs in the chroot and unmounts the device (and
// anything still mounted below it).
func (s *StepMountDevice) CleanupFunc(state *multistep.State) error {
	if s.mountPath == "" {
		return nil
	}
	ui := uiOf(state)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n, err := KillProcesses(ctx, s.mountPath); err != nil {
		return fmt.Errorf("unmount %s: %w", s.mountPath, err)
	} else if n > 0 {
		ui.Say(fmt.Sprintf("Killed %d processes left in the chroot", n))
	}
	ui.Say(fmt.Sprintf("Unmounting %s", s.mountPath))
	lazy, err := UnmountAll(s.mountPath)
	for _, l := range lazy {
		ui.Error(fmt.Sprintf("%s was busy and was detached lazily", l))
	}
	if err != nil {
		return err
	}
	s.mountPath = ""
	return nil
}
