package docker

import "io"

// discardUi is the Ui of steps run without one (in tests).
type discardUi struct{}

func (discardUi) Ask(string) (string, error) { return "", io.EOF }
func (discardUi) Say(string)                 {}
func (discardUi) Message(string)             {}
func (discardUi) Error(string)               {}
func (discardUi) Machine(string, ...string)  {}
func (discardUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser {
	return s
}
