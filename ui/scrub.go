package ui

import (
	"cmp"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Redacted replaces every sensitive value in output.
const Redacted = "<sensitive>"

// A Scrubber holds sensitive strings (sensitive variables, passwords...) and
// removes them from text. It is safe for concurrent use; a nil *Scrubber
// scrubs nothing.
type Scrubber struct {
	mu      sync.Mutex
	secrets map[string]struct{}
	// repl is nil while no secret is registered, so scrubbing is one
	// atomic load on the hot path.
	repl atomic.Pointer[strings.Replacer]
}

// DefaultScrubber is the process-wide registry that every Ui and the log
// use when their options name no Scrubber (like Packer's LogSecretFilter).
var DefaultScrubber = NewScrubber()

// NewScrubber returns an empty Scrubber.
func NewScrubber() *Scrubber {
	return &Scrubber{secrets: make(map[string]struct{})}
}

// Add registers sensitive values. Empty strings are ignored.
func (s *Scrubber) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secrets == nil {
		s.secrets = make(map[string]struct{})
	}
	changed := false
	for _, v := range values {
		if v == "" {
			continue
		}
		if _, ok := s.secrets[v]; !ok {
			s.secrets[v] = struct{}{}
			changed = true
		}
	}
	if !changed {
		return
	}
	keys := make([]string, 0, len(s.secrets))
	for k := range s.secrets {
		keys = append(keys, k)
	}
	// Longest first, so that a secret containing another is replaced
	// whole (strings.Replacer prefers earlier pairs at the same position).
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, Redacted)
	}
	s.repl.Store(strings.NewReplacer(pairs...))
}

// Secrets returns the registered values, longest first.
func (s *Scrubber) Secrets() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.secrets))
	for k := range s.secrets {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return keys
}

// Scrub returns text with every registered value replaced by "<sensitive>".
func (s *Scrubber) Scrub(text string) string {
	if s == nil {
		return text
	}
	r := s.repl.Load()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// Writer returns an io.Writer that scrubs each Write before passing it to w.
// Each Write is scrubbed on its own, so a value split across two writes is
// not caught; log.Logger writes whole entries and is safe.
func (s *Scrubber) Writer(w io.Writer) io.Writer {
	return &scrubWriter{s: s, w: w}
}

type scrubWriter struct {
	s *Scrubber
	w io.Writer
}

func (sw *scrubWriter) Write(p []byte) (int, error) {
	if sw.s == nil || sw.s.repl.Load() == nil {
		return sw.w.Write(p)
	}
	if _, err := io.WriteString(sw.w, sw.s.Scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func orDefault(s *Scrubber) *Scrubber {
	if s == nil {
		return DefaultScrubber
	}
	return s
}
