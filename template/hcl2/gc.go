package hcl2

import (
	"os"
	"runtime/debug"
	"sync"
)

// loadGCPercent is the garbage collector's target while templates load.
const loadGCPercent = 400

var (
	gcMu      sync.Mutex
	gcLoads   int
	gcPercent int
)

// raiseGC raises the garbage collector's target while a template loads,
// and returns the function that restores it.
//
// Loading allocates much that dies young — the lexer's token arrays,
// copied as they grow, and evaluation scratch — and keeps little: at the
// default target the collector runs again and again over a heap that is
// mostly the young template, which costs a large template (thousands of
// blocks) a third of its load time. Loads may overlap: the first raises
// the target, the last restores it. A GOGC set by the user is left alone.
func raiseGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcMu.Lock()
	if gcLoads == 0 {
		gcPercent = debug.SetGCPercent(loadGCPercent)
	}
	gcLoads++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		gcLoads--
		if gcLoads == 0 {
			debug.SetGCPercent(gcPercent)
		}
		gcMu.Unlock()
	}
}
