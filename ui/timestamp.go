package ui

import (
	"io"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// Timestamped returns a Ui that prefixes every Say, Message and Error with
// time.Now().Format(time.RFC3339) + ": " (Packer's TimestampedUi, for
// -timestamp-ui). Ask, Machine and TrackProgress pass through.
//
// Packer wraps each build's coloured Ui in the timestamp and then the target,
// so the equivalent here is Targeted(Timestamped(leaf), name, BuildColor(i)),
// which prints "2006-01-02T15:04:05Z: ==> name: text".
func Timestamped(parent sdk.Ui) sdk.Ui {
	return &timestamped{parent: parent, now: time.Now}
}

type timestamped struct {
	parent sdk.Ui
	now    func() time.Time
}

var _ sdk.Ui = (*timestamped)(nil)

func (u *timestamped) colorEnabled() bool  { return colorOn(u.parent) }
func (u *timestamped) scrubber() *Scrubber { return scrubberOf(u.parent) }

func (u *timestamped) stamp(message string) string {
	return u.now().Format(time.RFC3339) + ": " + message
}

func (u *timestamped) Ask(query string) (string, error) { return u.parent.Ask(query) }
func (u *timestamped) Say(message string)               { u.parent.Say(u.stamp(message)) }
func (u *timestamped) Message(message string)           { u.parent.Message(u.stamp(message)) }
func (u *timestamped) Error(message string)             { u.parent.Error(u.stamp(message)) }

func (u *timestamped) Machine(category string, args ...string) {
	u.parent.Machine(category, args...)
}

func (u *timestamped) TrackProgress(src string, current, total int64, stream io.ReadCloser) io.ReadCloser {
	return u.parent.TrackProgress(src, current, total, stream)
}
