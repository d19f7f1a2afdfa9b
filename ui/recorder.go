package ui

import (
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/kilnbuild/kiln/sdk"
)

// Call is one recorded Ui call.
type Call struct {
	// Method is "ask", "say", "message", "error", "machine" or "progress".
	Method string
	// Text is the query, message, machine category or progress source.
	Text string
	// Args holds Machine arguments.
	Args []string
}

// Recorder is a Ui for tests that records every call. The zero value is
// ready to use; it is safe for concurrent use. Texts are scrubbed with
// Scrubber (DefaultScrubber when nil), like every Ui of this package.
type Recorder struct {
	// Answers are returned by successive Ask calls; once they run out, Ask
	// fails with ErrNoInput. Set before use.
	Answers []string
	// Scrubber removes sensitive values; nil means DefaultScrubber.
	Scrubber *Scrubber

	mu    sync.Mutex
	calls []Call
}

var _ sdk.Ui = (*Recorder)(nil)

func (r *Recorder) record(method, text string, args []string) {
	s := orDefault(r.Scrubber)
	text = s.Scrub(text)
	var a []string
	if args != nil {
		a = make([]string, len(args))
		for i, v := range args {
			a[i] = s.Scrub(v)
		}
	}
	r.mu.Lock()
	r.calls = append(r.calls, Call{Method: method, Text: text, Args: a})
	r.mu.Unlock()
}

func (r *Recorder) scrubber() *Scrubber { return orDefault(r.Scrubber) }

// Ask records the query and returns the next of Answers.
func (r *Recorder) Ask(query string) (string, error) {
	r.record("ask", query, nil)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.Answers) == 0 {
		return "", ErrNoInput
	}
	a := r.Answers[0]
	r.Answers = r.Answers[1:]
	return a, nil
}

// Say records message.
func (r *Recorder) Say(message string) { r.record("say", message, nil) }

// Message records message.
func (r *Recorder) Message(message string) { r.record("message", message, nil) }

// Error records message.
func (r *Recorder) Error(message string) { r.record("error", message, nil) }

// Machine records the category and a copy of args.
func (r *Recorder) Machine(category string, args ...string) {
	if args == nil {
		args = []string{}
	}
	r.record("machine", category, args)
}

// TrackProgress records src and returns stream unchanged.
func (r *Recorder) TrackProgress(src string, _, _ int64, stream io.ReadCloser) io.ReadCloser {
	r.record("progress", src, nil)
	return stream
}

// Calls returns a copy of every recorded call, in order.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Call, len(r.calls))
	for i, c := range r.calls {
		c.Args = slices.Clone(c.Args)
		out[i] = c
	}
	return out
}

// Lines returns the text of every Say, Message and Error call, in order,
// as passed (a multi-line text is one element).
func (r *Recorder) Lines() []string {
	return r.texts("say", "message", "error")
}

// Says returns the text of every Say call.
func (r *Recorder) Says() []string { return r.texts("say") }

// Messages returns the text of every Message call.
func (r *Recorder) Messages() []string { return r.texts("message") }

// Errors returns the text of every Error call.
func (r *Recorder) Errors() []string { return r.texts("error") }

// Machines returns every Machine call as "category,arg,arg..." (args not
// escaped; a targeted call's category is "target,type").
func (r *Recorder) Machines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if c.Method == "machine" {
			out = append(out, strings.Join(append([]string{c.Text}, c.Args...), ","))
		}
	}
	return out
}

// Output returns Lines joined with newlines, each line terminated.
func (r *Recorder) Output() string {
	var sb strings.Builder
	for _, l := range r.Lines() {
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// Reset forgets the recorded calls.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
}

func (r *Recorder) texts(methods ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.calls {
		if slices.Contains(methods, c.Method) {
			out = append(out, c.Text)
		}
	}
	return out
}
