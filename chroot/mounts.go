package chroot

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MountInfo is one line of /proc/self/mountinfo.
type MountInfo struct {
	ID, Parent int
	// Root is the path of the mounted directory inside its filesystem.
	Root string
	// MountPoint is where it is mounted, as this process sees it.
	MountPoint string
	FSType     string
	Source     string
}

// mountinfoPath is read by Mounts; tests point it elsewhere.
var mountinfoPath = "/proc/self/mountinfo"

// Mounts returns the mount table of kiln's mount namespace, in the order
// the kernel lists it (a mount comes after the mounts it is stacked on).
func Mounts() ([]MountInfo, error) {
	f, err := os.Open(mountinfoPath)
	if err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	defer f.Close()
	var out []MountInfo
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		m, err := parseMountInfo(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("read mount table: %w", err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	return out, nil
}

// parseMountInfo parses one mountinfo line:
//
//	36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw
func parseMountInfo(line string) (MountInfo, error) {
	fields := strings.Fields(line)
	sep := -1
	for i := 6; i < len(fields); i++ {
		if fields[i] == "-" {
			sep = i
			break
		}
	}
	if len(fields) < 7 || sep < 0 || sep+2 >= len(fields) {
		return MountInfo{}, fmt.Errorf("malformed mountinfo line %q", line)
	}
	id, err1 := strconv.Atoi(fields[0])
	parent, err2 := strconv.Atoi(fields[1])
	if err := errors.Join(err1, err2); err != nil {
		return MountInfo{}, fmt.Errorf("malformed mountinfo line %q: %w", line, err)
	}
	return MountInfo{
		ID:         id,
		Parent:     parent,
		Root:       unescapeMountField(fields[3]),
		MountPoint: unescapeMountField(fields[4]),
		FSType:     fields[sep+1],
		Source:     unescapeMountField(fields[sep+2]),
	}, nil
}

// unescapeMountField undoes the kernel's octal escapes (\040 for a space).
func unescapeMountField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// MountsUnder returns the mounts whose mount point is dir or below it, in
// mount-table order. dir is made absolute and free of symbolic links
// first, as the mount table lists real paths.
func MountsUnder(dir string) ([]MountInfo, error) {
	real, err := realPath(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			// A path that does not exist can still be a lazily detached
			// mount's old name; compare lexically.
			real, err = filepath.Abs(dir)
		}
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", dir, err)
		}
	}
	all, err := Mounts()
	if err != nil {
		return nil, err
	}
	var out []MountInfo
	for _, m := range all {
		if within(m.MountPoint, real) {
			out = append(out, m)
		}
	}
	return out, nil
}

// IsMountPoint reports whether something is mounted exactly at path.
func IsMountPoint(path string) (bool, error) {
	ms, err := MountsUnder(path)
	if err != nil {
		return false, err
	}
	real, err := realPath(path)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.MountPoint == real {
			return true, nil
		}
	}
	return false, nil
}

// busyRetries and busyDelay bound how long Unmount waits for a busy mount
// before it detaches it lazily.
var (
	busyRetries = 10
	busyDelay   = 200 * time.Millisecond
)

// Unmount unmounts the topmost mount at target. A busy mount is retried a
// few times and then detached lazily (MNT_DETACH), which lazy reports. A
// target that is not a mount point is not an error.
func Unmount(target string) (lazy bool, err error) {
	for i := 0; ; i++ {
		err = unmount(target, false)
		switch {
		case err == nil:
			return false, nil
		case isNotMounted(err):
			return false, nil // not (or no longer) a mount point
		case isBusy(err) && i < busyRetries:
			time.Sleep(busyDelay)
			continue
		case isBusy(err):
			if derr := unmount(target, true); derr != nil {
				return false, fmt.Errorf("unmount %s lazily: %w", target, derr)
			}
			return true, nil
		default:
			return false, fmt.Errorf("unmount %s: %w", target, err)
		}
	}
}

// UnmountAll unmounts everything mounted at dir or below it, deepest mount
// point first (and, at one mount point, the last mounted first). It returns
// the mount points it had to detach lazily. Use it only on directories
// kiln created empty: everything below them is then kiln's.
func UnmountAll(dir string) (lazy []string, err error) {
	seen := map[int]int{}
	for {
		ms, err := MountsUnder(dir)
		if err != nil {
			return lazy, err
		}
		if len(ms) == 0 {
			return lazy, nil
		}
		pick := ms[0]
		for _, m := range ms[1:] {
			if depth(m.MountPoint) >= depth(pick.MountPoint) {
				pick = m
			}
		}
		seen[pick.ID]++
		if seen[pick.ID] > 2 {
			return lazy, fmt.Errorf("unmount %s: still mounted after unmounting it", pick.MountPoint)
		}
		wasLazy, err := Unmount(pick.MountPoint)
		if err != nil {
			return lazy, err
		}
		if wasLazy {
			lazy = append(lazy, pick.MountPoint)
		}
	}
}

func depth(p string) int { return strings.Count(filepath.Clean(p), "/") }
