package chroot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrMounted is returned (wrapped) by RemoveAll when something is still
// mounted where it would delete.
var ErrMounted = errors.New("still mounted")

// RemoveAll deletes path and everything below it, like os.RemoveAll, with
// two guards that matter to a program running as root next to bind mounts
// of the host's /dev or /proc: it refuses to start while anything is
// mounted at or below path (per /proc/self/mountinfo), and it never
// descends into a directory on another filesystem (should a mount appear
// while it runs). A path that does not exist is not an error.
func RemoveAll(path string) error {
	return removeTree(path, false)
}

// RemoveContents is RemoveAll for what is inside the directory dir, which
// is kept.
func RemoveContents(dir string) error {
	return removeTree(dir, true)
}

func removeTree(path string, keepTop bool) error {
	real, err := realPath(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if real == "/" {
		return fmt.Errorf("remove %s: refusing to delete /", path)
	}
	ms, err := MountsUnder(real)
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if len(ms) > 0 {
		return fmt.Errorf("remove %s: refusing to delete: %s is %w", path, ms[len(ms)-1].MountPoint, ErrMounted)
	}
	// Remove the path as given when it is itself a symbolic link: only
	// the link goes.
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if keepTop {
			return fmt.Errorf("remove contents of %s: it is a symbolic link", path)
		}
		return os.Remove(path)
	}
	fi, err := os.Lstat(real)
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if !fi.IsDir() {
		if keepTop {
			return fmt.Errorf("remove contents of %s: not a directory", path)
		}
		return os.Remove(real)
	}
	if err := removeDir(real, fsIDOf(real, fi)); err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	if keepTop {
		return nil
	}
	if err := os.Remove(real); err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// removeDir deletes what is inside dir, staying on the mount top.
func removeDir(dir string, top fsID) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fi.IsDir() {
			if fsIDOf(p, fi) != top {
				errs = append(errs, fmt.Errorf("refusing to descend into %s: something is mounted there", p))
				continue
			}
			if err := removeDir(p, top); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// fsID identifies the mount a directory is on: its device and, where the
// kernel tells (statx STATX_MNT_ID, Linux 5.8), its mount id, which also
// tells apart a bind mount of the same filesystem.
type fsID struct {
	dev     uint64
	mountID uint64
}
