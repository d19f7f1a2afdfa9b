package hclfmt

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
	outer := raiseGC()
	inner := raiseGC()
	if got := current(); got != runGCPercent {
		t.Errorf("during a run: GC percent %d, want %d", got, runGCPercent)
	}
	inner()
	if got := current(); got != runGCPercent {
		t.Errorf("one of two runs over: GC percent %d, want %d", got, runGCPercent)
	}
	outer()
	if got := current(); got != 77 {
		t.Errorf("after the runs: GC percent %d, want 77 back", got)
	}

	t.Setenv("GOGC", "50")
	restore := raiseGC()
	if got := current(); got != 77 {
		t.Errorf("with GOGC set: GC percent %d, want it left at 77", got)
	}
	restore()
}
