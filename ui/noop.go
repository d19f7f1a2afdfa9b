package ui

import (
	"io"

	"github.com/kilnbuild/kiln/sdk"
)

// Noop is a Ui that discards everything; Ask fails with ErrNoInput and
// TrackProgress returns the stream unchanged.
type Noop struct{}

var _ sdk.Ui = Noop{}

// NewNoop returns a Ui that discards everything.
func NewNoop() sdk.Ui { return Noop{} }

// Ask fails with ErrNoInput.
func (Noop) Ask(string) (string, error) { return "", ErrNoInput }

// Say discards message.
func (Noop) Say(string) {}

// Message discards message.
func (Noop) Message(string) {}

// Error discards message.
func (Noop) Error(string) {}

// Machine discards the message.
func (Noop) Machine(string, ...string) {}

// TrackProgress returns stream unchanged.
func (Noop) TrackProgress(_ string, _, _ int64, stream io.ReadCloser) io.ReadCloser {
	return stream
}
