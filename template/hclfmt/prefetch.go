package hclfmt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// prefetch reads and formats files ahead of the run, on every CPU, so that
// a run over many files (fmt -check -recursive of a whole tree) is not
// bound to one core. The run still handles each file in order, with the
// same output and errors: it only takes the formatted text from here.
//
// It is used when files are not rewritten, so a result read ahead is the
// file as the run would read it.
type prefetch struct {
	quit chan struct{}
	jobs chan *fetched
	// slots bound the files read ahead and not yet taken by the run.
	slots chan struct{}
	wg    sync.WaitGroup

	mu      sync.Mutex
	entries map[string]*fetched
}

// fetched is one file read and formatted ahead.
type fetched struct {
	path  string
	done  chan struct{}
	src   []byte
	out   []byte
	diags hcl.Diagnostics
	err   error
	// taken marks an entry the run has claimed (or, with done nil, a
	// path the run formats itself because it got there first).
	taken bool
}

// lookahead bounds how many files are read ahead of the run.
func lookahead() int { return 4 * runtime.GOMAXPROCS(0) }

func newPrefetch(ctx context.Context, f *Formatter, paths []string) *prefetch {
	p := &prefetch{
		quit:    make(chan struct{}),
		jobs:    make(chan *fetched, lookahead()),
		slots:   make(chan struct{}, lookahead()),
		entries: map[string]*fetched{},
	}
	workers := runtime.GOMAXPROCS(0)
	p.wg.Add(workers + 1)
	for range workers {
		go func() {
			defer p.wg.Done()
			for {
				select {
				case <-p.quit:
					return
				case e, ok := <-p.jobs:
					if !ok {
						return
					}
					e.src, e.err = readFile(e.path)
					if e.err == nil {
						e.out, e.diags = Source(e.src, e.path)
					}
					close(e.done)
				}
			}
		}()
	}
	go func() {
		defer p.wg.Done()
		defer close(p.jobs)
		p.walk(ctx, f.Recursive, paths)
	}()
	return p
}

// stopped reports whether stop was called.
func (p *prefetch) stopped() bool {
	select {
	case <-p.quit:
		return true
	default:
		return false
	}
}

// stop ends the prefetch and waits for its goroutines.
func (p *prefetch) stop() {
	close(p.quit)
	p.wg.Wait()
}

// walk queues the HCL files of paths in the order the run visits them.
// It skips what it cannot read: the run reports that itself.
func (p *prefetch) walk(ctx context.Context, recursive bool, paths []string) bool {
	for _, path := range paths {
		if ctx.Err() != nil || p.stopped() {
			return false
		}
		if path == StdinPath {
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			continue
		}
		if !st.IsDir() {
			if IsHCLFile(path) && !p.queue(path) {
				return false
			}
			continue
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			// The run stops at a folder it cannot list.
			return false
		}
		for _, e := range entries {
			name := e.Name()
			if Ignored(name) {
				continue
			}
			full := filepath.Join(path, name)
			switch {
			case e.IsDir():
				if recursive && !p.walk(ctx, recursive, []string{full}) && (ctx.Err() != nil || p.stopped()) {
					return false
				}
			case IsHCLFile(full):
				if !p.queue(full) {
					return false
				}
			}
		}
	}
	return true
}

// queue hands a file to the workers, unless the run already has it. It
// reports false when the prefetch is stopped.
func (p *prefetch) queue(path string) bool {
	select {
	case p.slots <- struct{}{}:
	case <-p.quit:
		return false
	}
	p.mu.Lock()
	if _, ok := p.entries[path]; ok {
		p.mu.Unlock()
		<-p.slots
		return true
	}
	e := &fetched{path: path, done: make(chan struct{})}
	p.entries[path] = e
	p.mu.Unlock()
	// There is room: jobs holds as many as there are slots.
	p.jobs <- e
	return true
}

// take returns the file read and formatted ahead, waiting for it if
// needed. ok is false when the file was not read ahead (or was already
// taken): the run then reads and formats it itself.
func (p *prefetch) take(path string) (e *fetched, ok bool) {
	if p == nil || path == StdinPath {
		return nil, false
	}
	p.mu.Lock()
	e, found := p.entries[path]
	if !found {
		// Claim it so that the walk does not read it too.
		p.entries[path] = &fetched{path: path, taken: true}
		p.mu.Unlock()
		return nil, false
	}
	if e.taken {
		p.mu.Unlock()
		return nil, false
	}
	e.taken = true
	p.mu.Unlock()
	<-e.done
	<-p.slots
	return e, true
}

// readFile reads a file in one go, its size known ahead (os.ReadFile), with
// the errors the run reports.
func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok && pe.Op == "open" {
			return nil, fmt.Errorf("failed to open %s: %w", path, err)
		}
		return nil, fmt.Errorf("failed to read %s: %w", path, err)
	}
	return b, nil
}
