//go:build !linux

package chroot

import (
	"errors"
	"io/fs"
	"syscall"
)

// errNotLinux is what the primitives of this package return off Linux.
var errNotLinux = errors.New("chroot builds need Linux: " + errors.ErrUnsupported.Error())

const oNoFollow = 0

func namespaceAttr() *syscall.SysProcAttr               { return nil }
func unmount(string, bool) error                        { return errNotLinux }
func isNotMounted(error) bool                           { return false }
func isBusy(error) bool                                 { return false }
func kill(int) error                                    { return errNotLinux }
func rereadPartitionTable(string)                       {}
func fsIDOf(string, fs.FileInfo) fsID                   { return fsID{} }
func mountPrivate(string, string, string, string) error { return errNotLinux }
