package hclfmt

import (
	"os"
	"runtime/debug"
	"sync"
)

// runGCPercent is the garbage collector's target during a run.
const runGCPercent = 400

var (
	gcMu      sync.Mutex
	gcRuns    int
	gcPercent int
)

// raiseGC raises the garbage collector's target for a run and returns the
// function that restores it.
//
// Formatting allocates about 150 bytes per byte of source, nearly all of it
// dead by the end of the file (the scanner's token arrays, copied as they
// grow, and the syntax tree of the parse), while the live heap stays small:
// the few files in flight. At the default target the collector runs about a
// hundred times over a whole tree and takes a tenth of the CPU time, more in
// system time. Runs may overlap: the first raises the target, the last
// restores it. A GOGC set by the user is left alone.
func raiseGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcMu.Lock()
	if gcRuns == 0 {
		gcPercent = debug.SetGCPercent(runGCPercent)
	}
	gcRuns++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		gcRuns--
		if gcRuns == 0 {
			debug.SetGCPercent(gcPercent)
		}
		gcMu.Unlock()
	}
}
