//go:build linux

package chroot

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// oNoFollow makes open fail on a symbolic link.
const oNoFollow = unix.O_NOFOLLOW

// namespaceAttr starts a command as the first process of new PID and
// mount namespaces; Go makes the mount namespace private (MS_REC|
// MS_PRIVATE on /) when it unshares it. The command is killed if kiln
// dies.
func namespaceAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Cloneflags:   syscall.CLONE_NEWPID,
		Unshareflags: syscall.CLONE_NEWNS,
		Pdeathsig:    syscall.SIGKILL,
	}
}

// unmount unmounts target, lazily with detach, never following a link.
func unmount(target string, detach bool) error {
	flags := unix.UMOUNT_NOFOLLOW
	if detach {
		flags |= unix.MNT_DETACH
	}
	return unix.Unmount(target, flags)
}

func isNotMounted(err error) bool { return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) }
func isBusy(err error) bool       { return errors.Is(err, unix.EBUSY) }

func kill(pid int) error { return unix.Kill(pid, unix.SIGKILL) }

// rereadPartitionTable asks the kernel to read disk's partition table.
func rereadPartitionTable(disk string) {
	fd, err := unix.Open(disk, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	_ = unix.IoctlSetInt(fd, unix.BLKRRPART, 0)
}

func fsIDOf(path string, fi fs.FileInfo) fsID {
	var id fsID
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.dev = st.Dev
	}
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &stx); err == nil && stx.Mask&unix.STATX_MNT_ID != 0 {
		id.mountID = stx.Mnt_id
	}
	return id
}

// mountPrivate mounts a filesystem of fstype ("bind" for a bind mount of
// the host path source) at target and makes the mount private at once.
// proc, sysfs and binfmt_misc are mounted nosuid, nodev, noexec.
func mountPrivate(fstype, source, target, opts string) error {
	var flags uintptr
	switch fstype {
	case "bind":
		flags, fstype = unix.MS_BIND, ""
	case "proc", "sysfs", "binfmt_misc":
		flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	}
	if err := unix.Mount(source, target, fstype, flags, opts); err != nil {
		return fmt.Errorf("mount %s at %s: %w", source, target, err)
	}
	if err := unix.Mount("", target, "", unix.MS_PRIVATE, ""); err != nil {
		_, uerr := Unmount(target)
		return errors.Join(fmt.Errorf("make %s private: %w", target, err), uerr)
	}
	return nil
}
