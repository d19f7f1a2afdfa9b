package hcl2

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/kilnbuild/kiln/internal/gctune"
)

func TestRaiseGC(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	current := func() (int, int64) {
		p := debug.SetGCPercent(0)
		debug.SetGCPercent(p)
		return p, debug.SetMemoryLimit(-1)
	}
	restoreA := raiseGC()
	restoreB := raiseGC() // a load that overlaps
	p, limit := current()
	if p != -1 || limit > gctune.RuntimeMemory()+loadHeadroom || limit < loadHeadroom {
		t.Fatalf("while loading: GC percent %d, limit %d, want off and %d more than the runtime's %d", p, limit, loadHeadroom, gctune.RuntimeMemory())
	}
	restoreA()
	if p, l := current(); p != -1 || l != limit {
		t.Errorf("while the other load goes on: GC percent %d, limit %d, want off and %d", p, l, limit)
	}
	restoreB()
	if p, l := current(); p != 77 || l != math.MaxInt64 {
		t.Errorf("after the loads: GC percent %d, limit %d, want 77 and none", p, l)
	}

	// A lower GOMEMLIMIT is kept.
	debug.SetMemoryLimit(1 << 20)
	restore := raiseGC()
	if p, l := current(); p != -1 || l != 1<<20 {
		t.Errorf("with a low memory limit: GC percent %d, limit %d, want off and 1 MiB", p, l)
	}
	restore()
	debug.SetMemoryLimit(math.MaxInt64)

	t.Setenv("GOGC", "50")
	restore = raiseGC()
	if p, l := current(); p != 77 || l != math.MaxInt64 {
		t.Errorf("with GOGC set: GC percent %d, limit %d, want them left alone", p, l)
	}
	restore()
}
