// Command treestat runs a command and reports what its whole process tree
// cost: wall time, CPU time (user+system of the command and every
// descendant it waited for), the peak of the summed PSS of all processes
// of the tree (sampled), and how many processes the tree ran.
//
// It is the measuring half of `make bench`: hyperfine gives robust wall
// times over many runs, treestat the memory and process figures.
//
//	treestat [-interval 20ms] [-json] -- command args...
//
// treestat makes itself a child subreaper, so processes that daemonize
// stay in the tree and are counted.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Report is what treestat prints.
type Report struct {
	WallSeconds float64 `json:"wall_s"`
	CPUSeconds  float64 `json:"cpu_s"`
	PeakPSSKiB  int64   `json:"peak_pss_kib"`
	PeakProcs   int     `json:"peak_procs"`
	TotalProcs  int     `json:"total_procs"`
	ExitCode    int     `json:"exit_code"`
}

func main() {
	interval := flag.Duration("interval", 20*time.Millisecond, "sampling interval")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: treestat [-interval d] [-json] -- command args...")
		os.Exit(2)
	}
	rep, err := run(flag.Args(), *interval)
	if err != nil {
		fmt.Fprintln(os.Stderr, "treestat:", err)
		os.Exit(2)
	}
	if *asJSON {
		_ = json.NewEncoder(os.Stdout).Encode(rep)
	} else {
		fmt.Printf("wall %.3fs  cpu %.3fs  peak PSS %.1f MiB  procs peak %d total %d  exit %d\n",
			rep.WallSeconds, rep.CPUSeconds, float64(rep.PeakPSSKiB)/1024, rep.PeakProcs, rep.TotalProcs, rep.ExitCode)
	}
	os.Exit(rep.ExitCode)
}

func run(args []string, interval time.Duration) (*Report, error) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("become subreaper: %w", err)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	self := os.Getpid()
	seen := map[int]bool{}
	rep := &Report{}
	// Sample every millisecond at first, then less and less often up to
	// interval: a command that lives for 10 ms (a validate) is sampled
	// several times, one that runs for minutes is not slowed down.
	wait := time.Millisecond
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var waitErr error
loop:
	for {
		sample(self, seen, rep)
		select {
		case waitErr = <-done:
			break loop
		case <-timer.C:
		}
		if since := time.Since(start); since > 20*time.Millisecond {
			wait = min(2*wait, interval)
		}
		timer.Reset(wait)
	}
	rep.WallSeconds = time.Since(start).Seconds()
	// Reap orphans that were re-parented to us, adding their CPU time.
	cpu := rusageSeconds(cmd.ProcessState.SysUsage())
	for {
		var ru syscall.Rusage
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, &ru)
		if pid <= 0 || err != nil {
			break
		}
		cpu += rusageSeconds(&ru)
	}
	rep.CPUSeconds = cpu
	rep.TotalProcs = len(seen)
	var ee *exec.ExitError
	switch {
	case waitErr == nil:
	case errors.As(waitErr, &ee):
		rep.ExitCode = ee.ExitCode()
	default:
		return nil, waitErr
	}
	return rep, nil
}

func rusageSeconds(u any) float64 {
	ru, ok := u.(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// sample walks /proc once, finds every descendant of root and adds up
// their PSS.
func sample(root int, seen map[int]bool, rep *Report) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := ppid(pid); ok {
			parent[pid] = pp
		}
	}
	var total int64
	procs := 0
	for pid := range parent {
		if !descends(pid, root, parent) {
			continue
		}
		procs++
		seen[pid] = true
		total += pssKiB(pid)
	}
	rep.PeakProcs = max(rep.PeakProcs, procs)
	rep.PeakPSSKiB = max(rep.PeakPSSKiB, total)
}

func descends(pid, root int, parent map[int]int) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		pp, ok := parent[pid]
		if !ok {
			return false
		}
		if pp == root {
			return true
		}
		pid = pp
	}
	return false
}

func ppid(pid int) (int, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	// The command name may hold spaces and parentheses: fields start after
	// the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(f[1])
	return pp, err == nil
}

func pssKiB(pid int) int64 {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "Pss:") {
			v, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return v
		}
	}
	return 0
}
