package hcl2

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// loadHeadroom is how much the Go runtime's memory may grow while
// templates load before the garbage collector runs.
const loadHeadroom = 256 << 20

var (
	gcMu      sync.Mutex
	gcLoads   int
	gcPercent int
	gcLimit   int64
)

// raiseGC holds the garbage collector off while a template loads, unless
// the runtime's memory grows by loadHeadroom, and returns the function
// that restores it.
//
// Loading allocates much that dies young — the lexer's token arrays,
// copied as they grow, and evaluation scratch — and keeps little, in a
// short time: a template of thousands of blocks allocates tens of
// megabytes in tens of milliseconds. A collection then costs more than it
// saves: it marks the young template, slows the parse with its write
// barriers and takes a core of two, while the memory it frees is not
// needed before kiln exits or the load ends. A template large enough to
// allocate loadHeadroom is still collected, as under a memory limit.
//
// Loads may overlap: the first holds the collector off, the last restores
// it. A GOGC set by the user is left alone; a GOMEMLIMIT is kept if lower.
func raiseGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcMu.Lock()
	if gcLoads == 0 {
		gcLimit = debug.SetMemoryLimit(-1)
		limit := runtimeMemory() + loadHeadroom
		if limit < 0 {
			limit = math.MaxInt64
		}
		debug.SetMemoryLimit(min(gcLimit, limit))
		gcPercent = debug.SetGCPercent(-1)
	}
	gcLoads++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		gcLoads--
		if gcLoads == 0 {
			debug.SetGCPercent(gcPercent)
			debug.SetMemoryLimit(gcLimit)
		}
		gcMu.Unlock()
	}
}

// runtimeMemory is the memory the Go runtime holds, as a memory limit
// counts it.
func runtimeMemory() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
