package chroot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// ProcessesIn returns the ids of the processes whose root directory is
// root or below it: the processes running inside a chroot at root.
// kiln's own process is never listed.
func ProcessesIn(root string) ([]int, error) {
	real, err := realPath(root)
	if err != nil {
		return nil, fmt.Errorf("list processes in %s: %w", root, err)
	}
	if real == "/" {
		return nil, errors.New("list processes in /: that is every process")
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		link, err := os.Readlink(filepath.Join("/proc", e.Name(), "root"))
		if err != nil {
			continue // gone, or a kernel thread
		}
		if within(link, real) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// KillProcesses kills (SIGKILL) every process running inside the chroot at
// root and waits until none is left or ctx ends. It returns how many it
// killed.
func KillProcesses(ctx context.Context, root string) (int, error) {
	killed := map[int]bool{}
	for {
		pids, err := ProcessesIn(root)
		if err != nil {
			return len(killed), err
		}
		if len(pids) == 0 {
			return len(killed), nil
		}
		for _, pid := range pids {
			if err := kill(pid); err == nil {
				killed[pid] = true
			}
		}
		select {
		case <-ctx.Done():
			return len(killed), fmt.Errorf("processes still running in %s: %v: %w", root, pids, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
