package hcl2

import (
	"runtime/debug"
	"testing"
)

func TestRaiseGC(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	current := func() int {
		p := debug.SetGCPercent(0)
		debug.SetGCPercent(p)
		return p
	}
	restoreA := raiseGC()
	restoreB := raiseGC() // a load that overlaps
	if got := current(); got != loadGCPercent {
		t.Fatalf("while loading: GC percent %d, want %d", got, loadGCPercent)
	}
	restoreA()
	if got := current(); got != loadGCPercent {
		t.Errorf("while the other load goes on: GC percent %d, want %d", got, loadGCPercent)
	}
	restoreB()
	if got := current(); got != 77 {
		t.Errorf("after the loads: GC percent %d, want 77", got)
	}

	t.Setenv("GOGC", "50")
	restore := raiseGC()
	if got := current(); got != 77 {
		t.Errorf("with GOGC set: GC percent %d, want it left at 77", got)
	}
	restore()
}
