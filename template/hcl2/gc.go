package hcl2

import "github.com/kilnbuild/kiln/internal/gctune"

// loadHeadroom is how much the Go runtime's memory may grow while
// templates load before the garbage collector runs.
const loadHeadroom = 256 << 20

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
func raiseGC() (restore func()) { return gctune.Relax(-1, loadHeadroom) }
