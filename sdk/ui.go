package sdk

import "io"

// Ui is how components talk to the person (or program) running kiln.
// Implementations are safe for concurrent use.
type Ui interface {
	// Ask prompts for a line of input. It fails where no input is possible
	// (machine-readable output, no terminal).
	Ask(query string) (string, error)
	// Say reports a step ("==> name: text").
	Say(message string)
	// Message reports detail or command output ("    name: text").
	Message(message string)
	// Error reports a problem.
	Error(message string)
	// Machine emits a machine-readable message; human output ignores it.
	Machine(category string, args ...string)
	// TrackProgress wraps stream so that reading it shows a progress bar
	// where the output is a terminal. total may be 0 when unknown.
	TrackProgress(src string, current, total int64, stream io.ReadCloser) io.ReadCloser
}
