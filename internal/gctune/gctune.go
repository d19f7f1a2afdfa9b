// Package gctune relaxes the garbage collector for a short phase that
// allocates much and keeps little — loading templates, formatting a tree —
// and restores it afterwards.
package gctune

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

var (
	mu      sync.Mutex
	holders int
	percent int
	limit   int64
)

// Relax sets the collector's target to gcPercent (-1 turns it off) and,
// when headroom > 0, a memory limit of the runtime's memory now plus
// headroom (a lower GOMEMLIMIT is kept), so that a phase that outgrows
// the headroom is still collected. It returns the function that restores
// both.
//
// Phases may overlap: the first sets, the last restores, and those in
// between run under the first one's setting. A GOGC set by the user is
// left alone.
func Relax(gcPercent int, headroom int64) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	mu.Lock()
	if holders == 0 {
		limit = debug.SetMemoryLimit(-1)
		if headroom > 0 {
			l := RuntimeMemory() + headroom
			if l < 0 {
				l = math.MaxInt64
			}
			debug.SetMemoryLimit(min(limit, l))
		}
		percent = debug.SetGCPercent(gcPercent)
	}
	holders++
	mu.Unlock()
	return func() {
		mu.Lock()
		holders--
		if holders == 0 {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(limit)
		}
		mu.Unlock()
	}
}

// RuntimeMemory is the memory the Go runtime holds, as a memory limit
// counts it.
func RuntimeMemory() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}
