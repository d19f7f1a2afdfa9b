package hcl2

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFrom is the number of items from which inParallel shares them
// among the cores.
const parallelFrom = 256

// inParallel calls f(0), …, f(n-1), sharing the calls among the cores
// when n is at least parallelFrom: each worker takes the next run of
// calls not taken.
func inParallel(n int, f func(i int)) {
	if n < parallelFrom {
		for i := range n {
			f(i)
		}
		return
	}
	const run = 64
	var next atomic.Int64
	work := func() {
		for from := int(next.Add(run) - run); from < n; from = int(next.Add(run) - run) {
			for i := from; i < min(from+run, n); i++ {
				f(i)
			}
		}
	}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}
