package chroot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kilnbuild/kiln/multistep"
)

// DefaultChrootMounts are the filesystems mounted in a chroot unless a
// builder is told otherwise: [type, source, destination].
var DefaultChrootMounts = [][]string{
	{"proc", "proc", "/proc"},
	{"sysfs", "sysfs", "/sys"},
	{"bind", "/dev", "/dev"},
	{"devpts", "devpts", "/dev/pts"},
	{"binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc"},
}

// defaultMountOptions are used for a type when a mount gives none.
var defaultMountOptions = map[string]string{
	// A devpts of its own, so ptys opened in the chroot are not the
	// host's; 5 is the tty group of Debian and most distributions.
	"devpts": "newinstance,ptmxmode=0666,mode=0620,gid=5",
}

// StepMountExtra mounts the chroot's pseudo filesystems (ChrootMounts,
// each [type, source, destination] with an optional fourth element of
// mount options; type "bind" bind-mounts a host path) below KeyMountPath.
// Destinations are resolved inside the chroot, and every mount is made
// private at once, so nothing mounted below a bound host directory
// propagates back to the host. A binfmt_misc mount the kernel refuses is
// skipped with a warning. Its cleanup stops the processes still running in
// the chroot and unmounts these mounts in reverse order.
type StepMountExtra struct {
	ChrootMounts [][]string

	mounted []string
}

var _ Cleanup = (*StepMountExtra)(nil)

// Run implements multistep.Step.
func (s *StepMountExtra) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	root, ok := multistep.Get(state, KeyMountPath)
	if !ok || root == "" {
		return multistep.HaltWith(state, fmt.Errorf("mount extra: no mount path in state"))
	}
	for _, m := range s.ChrootMounts {
		if err := ctx.Err(); err != nil {
			return multistep.HaltWith(state, err)
		}
		if len(m) < 3 || len(m) > 4 {
			return multistep.HaltWith(state, fmt.Errorf("chroot mount %q: want [type, source, destination] and optional options", m))
		}
		fstype, source, dest := m[0], m[1], m[2]
		opts := defaultMountOptions[fstype]
		if len(m) == 4 {
			opts = m[3]
		}
		target, err := SecureJoin(root, dest)
		if err != nil {
			return multistep.HaltWith(state, fmt.Errorf("chroot mount %s: %w", dest, err))
		}
		if target == filepath.Clean(root) {
			return multistep.HaltWith(state, fmt.Errorf("chroot mount %s: refusing to mount over the chroot's root", dest))
		}
		ui.Message(fmt.Sprintf("Mounting %s %s at %s", fstype, source, target))
		if err := mountOne(fstype, source, target, opts); err != nil {
			if fstype == "binfmt_misc" {
				ui.Error(fmt.Sprintf("Skipping binfmt_misc: %v", err))
				continue
			}
			return multistep.HaltWith(state, fmt.Errorf("chroot mount %s: %w", dest, err))
		}
		s.mounted = append(s.mounted, target)
	}
	return multistep.Continue
}

// mountOne mounts one filesystem at target (created if missing: an
// empty file for a bind mount of a file) and makes the mount private.
func mountOne(fstype, source, target, opts string) error {
	if fstype == "bind" {
		fi, err := os.Stat(source)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|oNoFollow, 0o644)
			if err != nil {
				return err
			}
			f.Close()
			return mountPrivate(fstype, source, target, opts)
		}
	}
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	return mountPrivate(fstype, source, target, opts)
}

// Cleanup implements multistep.Step.
func (s *StepMountExtra) Cleanup(state *multistep.State) {
	if err := s.CleanupFunc(state); err != nil {
		uiOf(state).Error(err.Error())
	}
}

// CleanupFunc stops what runs in the chroot and unmounts the extra mounts.
func (s *StepMountExtra) CleanupFunc(state *multistep.State) error {
	if len(s.mounted) == 0 {
		return nil
	}
	ui := uiOf(state)
	if root, ok := multistep.Get(state, KeyMountPath); ok && root != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		n, err := KillProcesses(ctx, root)
		cancel()
		if err != nil {
			return fmt.Errorf("unmount chroot mounts: %w", err)
		}
		if n > 0 {
			ui.Say(fmt.Sprintf("Killed %d processes left in the chroot", n))
		}
	}
	for len(s.mounted) > 0 {
		target := s.mounted[len(s.mounted)-1]
		// Anything a command mounted below this mount goes first.
		lazy, err := UnmountAll(target)
		for _, l := range lazy {
			ui.Error(fmt.Sprintf("%s was busy and was detached lazily", l))
		}
		if err != nil {
			return err
		}
		s.mounted = s.mounted[:len(s.mounted)-1]
	}
	return nil
}
