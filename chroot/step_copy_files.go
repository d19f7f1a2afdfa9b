package chroot

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kilnbuild/kiln/multistep"
)

// DefaultCopyFiles are the host files copied into a chroot unless a
// builder is told otherwise: the resolver configuration, so that commands
// in the chroot can reach the network.
var DefaultCopyFiles = []string{"/etc/resolv.conf"}

// backupSuffix names the image's own file while a host file replaces it.
const backupSuffix = ".kiln-chroot-orig"

// StepCopyFiles copies host files into the chroot at the same path (the
// host file's content, following host links). What the image had at that
// path, a file or a link, is set aside and put back by the cleanup, so the
// image comes out as it went in. A host file that does not exist is
// skipped with a warning.
type StepCopyFiles struct {
	Files []string

	copied []string // host paths inside the chroot, in copy order
}

var _ Cleanup = (*StepCopyFiles)(nil)

// Run implements multistep.Step.
func (s *StepCopyFiles) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	root, ok := multistep.Get(state, KeyMountPath)
	if !ok || root == "" {
		return multistep.HaltWith(state, fmt.Errorf("copy files: no mount path in state"))
	}
	for _, file := range s.Files {
		src, err := os.Open(file)
		if errors.Is(err, fs.ErrNotExist) {
			ui.Error(fmt.Sprintf("Not copying %s into the chroot: it does not exist on this host", file))
			continue
		}
		if err != nil {
			return multistep.HaltWith(state, fmt.Errorf("copy %s: %w", file, err))
		}
		err = s.copyOne(ctx, root, file, src)
		src.Close()
		if err != nil {
			return multistep.HaltWith(state, fmt.Errorf("copy %s into the chroot: %w", file, err))
		}
		ui.Message(fmt.Sprintf("Copied %s into the chroot", file))
	}
	return multistep.Continue
}

func (s *StepCopyFiles) copyOne(ctx context.Context, root, file string, src *os.File) error {
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	// The directory is resolved inside the chroot; the last element is
	// not followed, so a link there is set aside rather than written
	// through.
	dir, err := SecureJoin(root, filepath.Dir(file))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(dir, filepath.Base(file))
	if _, err := os.Lstat(dst + backupSuffix); err == nil {
		return fmt.Errorf("%s exists: a previous build did not finish cleaning up", dst+backupSuffix)
	}
	if _, err := os.Lstat(dst); err == nil {
		if err := os.Rename(dst, dst+backupSuffix); err != nil {
			return err
		}
	}
	s.copied = append(s.copied, dst)
	return writeFile(ctx, dst, src, fi.Mode().Perm())
}

// Cleanup implements multistep.Step.
func (s *StepCopyFiles) Cleanup(state *multistep.State) {
	if err := s.CleanupFunc(state); err != nil {
		uiOf(state).Error(err.Error())
	}
}

// CleanupFunc removes the copied files and puts back what they replaced.
func (s *StepCopyFiles) CleanupFunc(*multistep.State) error {
	var errs []error
	for len(s.copied) > 0 {
		dst := s.copied[len(s.copied)-1]
		s.copied = s.copied[:len(s.copied)-1]
		if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		if _, err := os.Lstat(dst + backupSuffix); err == nil {
			if err := os.Rename(dst+backupSuffix, dst); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("remove copied files: %w", errors.Join(errs...))
	}
	return nil
}
