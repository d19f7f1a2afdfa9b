package ui

import (
	"io"
	"strings"
	"unicode"

	"github.com/kilnbuild/kiln/sdk"
)

// Targeted returns the Ui of one build, named name, over parent (Packer's
// TargetedUI, plus its per-build ColoredUi when color is not NoColor):
//
//   - Say and Error prefix every line of the text with "==> name: ",
//     Message with "    name: " (four spaces); trailing whitespace of the
//     result is trimmed, as in Packer.
//   - Machine(type, args...) reaches parent as Machine("name,type", args...),
//     which a [MachineReadable] parent writes with target name.
//   - With colour on (see [Colored]), the prefixed text is coloured with
//     color; errors are red. Use [BuildColor](i) for the i-th build.
//
// Over a MachineReadable parent, Say/Message/Error therefore produce
// "ts,,ui,say,==> name: text": the build name is inside the data and the
// target stays empty, exactly as in Packer.
func Targeted(parent sdk.Ui, name string, color Color) sdk.Ui {
	if color != NoColor {
		parent = Colored(parent, color)
	}
	return &targeted{name: name, parent: parent}
}

type targeted struct {
	name   string
	parent sdk.Ui
}

var _ sdk.Ui = (*targeted)(nil)

func (u *targeted) colorEnabled() bool  { return colorOn(u.parent) }
func (u *targeted) scrubber() *Scrubber { return scrubberOf(u.parent) }

func (u *targeted) prefix(arrow bool, message string) string {
	return prefixLines(u.name, arrow, scrubberOf(u.parent).Scrub(message))
}

func (u *targeted) Ask(query string) (string, error) {
	return u.parent.Ask(u.prefix(true, query))
}

func (u *targeted) Say(message string) {
	u.parent.Say(u.prefix(true, message))
}

func (u *targeted) Message(message string) {
	u.parent.Message(u.prefix(false, message))
}

func (u *targeted) Error(message string) {
	u.parent.Error(u.prefix(true, message))
}

func (u *targeted) Machine(category string, args ...string) {
	u.parent.Machine(u.name+","+category, args...)
}

func (u *targeted) TrackProgress(src string, current, total int64, stream io.ReadCloser) io.ReadCloser {
	return u.parent.TrackProgress(u.prefix(false, src), current, total, stream)
}

// prefixLines is Packer's TargetedUI.prefixLines.
func prefixLines(target string, arrow bool, message string) string {
	arrowText := "==>"
	if !arrow {
		arrowText = "   "
	}
	var b strings.Builder
	for line := range strings.SplitSeq(message, "\n") {
		b.WriteString(arrowText)
		b.WriteByte(' ')
		b.WriteString(target)
		b.WriteString(": ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}
