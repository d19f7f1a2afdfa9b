package chroot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// Loop devices are handled with util-linux's losetup, which finds a free
// device and attaches a file to it without the races of doing it by hand.

// AttachLoop attaches the disk image file to a free loop device, with
// partition scanning so that its partitions appear as <device>p<N>, and
// returns the device path (for example /dev/loop3).
func AttachLoop(ctx context.Context, file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", fmt.Errorf("attach %s: %w", file, err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "losetup", "--find", "--show", "--partscan", abs)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("attach %s to a loop device: %w: %s", file, err, strings.TrimSpace(stderr.String()))
	}
	dev := strings.TrimSpace(string(out))
	if !strings.HasPrefix(dev, "/dev/loop") {
		return "", fmt.Errorf("attach %s: losetup printed %q, not a loop device", file, dev)
	}
	return dev, nil
}

// LoopBackingFile returns the file attached to the loop device dev, or ""
// when none is.
func LoopBackingFile(dev string) (string, error) {
	b, err := os.ReadFile(filepath.Join("/sys/block", filepath.Base(dev), "loop", "backing_file"))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read backing file of %s: %w", dev, err)
	}
	return strings.TrimSuffix(strings.TrimSpace(string(b)), " (deleted)"), nil
}

// LoopDevicesOf returns the loop devices the file is attached to. With
// under set, it returns those attached to any file at or below that
// directory instead.
func LoopDevicesOf(file string, under bool) ([]string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	matches, err := filepath.Glob("/sys/block/loop*")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		dev := "/dev/" + filepath.Base(m)
		backing, err := LoopBackingFile(dev)
		if err != nil || backing == "" {
			continue
		}
		if backing == abs || (under && within(backing, abs)) {
			out = append(out, dev)
		}
	}
	return out, nil
}

// DetachLoop detaches the loop device dev, but only while file is what is
// attached to it: a device that was detached already, and maybe reused by
// someone else since, is left alone.
func DetachLoop(ctx context.Context, dev, file string) error {
	backing, err := LoopBackingFile(dev)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if backing == "" || backing != abs {
		return nil
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "losetup", "--detach", dev)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("detach %s: %w: %s", dev, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// PartitionDevice returns the device of partition n of the disk dev:
// dev itself for 0, "<dev>p<n>" when dev ends with a digit (loop, nvme),
// "<dev><n>" otherwise.
func PartitionDevice(dev string, n int) string {
	if n == 0 {
		return dev
	}
	if r := rune(dev[len(dev)-1]); unicode.IsDigit(r) {
		return fmt.Sprintf("%sp%d", dev, n)
	}
	return fmt.Sprintf("%s%d", dev, n)
}

// WaitForBlockDevice waits until the block device path exists. When it
// does not appear soon and disk is set, the partitions of disk are read
// again with partx(8), which parses partition tables itself: after a
// partitioning tool that did not tell the kernel, or on kernels built
// without partition table support.
func WaitForBlockDevice(ctx context.Context, path, disk string) error {
	deadline := time.Now().Add(15 * time.Second)
	reread := time.Now().Add(250 * time.Millisecond)
	for {
		fi, err := os.Stat(path)
		if err == nil {
			if fi.Mode()&os.ModeDevice == 0 {
				return fmt.Errorf("%s is not a block device", path)
			}
			return nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if disk != "" && time.Now().After(reread) {
			rereadPartitions(ctx, disk)
			reread = time.Now().Add(2 * time.Second)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not appear: does the disk have that partition?", path)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// rereadPartitions tells the kernel the partitions of disk, with partx
// when it is installed, else with the BLKRRPART ioctl.
func rereadPartitions(ctx context.Context, disk string) {
	if _, err := exec.LookPath("partx"); err == nil {
		_ = exec.CommandContext(ctx, "partx", "--update", disk).Run()
		return
	}
	rereadPartitionTable(disk)
}

// DiskHasPartitions reports whether the disk dev has a partition table
// with at least one partition, as partx(8) reads it.
func DiskHasPartitions(ctx context.Context, dev string) bool {
	out, err := exec.CommandContext(ctx, "partx", "--show", "--noheadings", "--output", "NR", dev).Output()
	return err == nil && strings.TrimSpace(string(out)) != ""
}
