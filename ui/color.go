package ui

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/kilnbuild/kiln/sdk"
)

// Color is an ANSI foreground colour code. NoColor disables colouring.
type Color uint8

// The colours Packer uses.
const (
	NoColor Color = 0
	Red     Color = 31
	Green   Color = 32
	Yellow  Color = 33
	Blue    Color = 34
	Magenta Color = 35
	Cyan    Color = 36
)

// buildPalette is the per-build colour cycle of Packer's build command.
var buildPalette = [...]Color{Green, Cyan, Magenta, Yellow, Blue}

// BuildColor returns the colour of the i-th build (0-based), cycling
// Packer's palette: green, cyan, magenta, yellow, blue.
func BuildColor(i int) Color {
	if i < 0 {
		i = -i
	}
	return buildPalette[i%len(buildPalette)]
}

// ColorEnabled reports whether human output to out should be coloured: not
// when flagColor is false (-color=false), not when PACKER_NO_COLOR is set to
// anything, and not when out is not a terminal. env defaults to os.Getenv.
func ColorEnabled(out *os.File, flagColor bool, env func(string) string) bool {
	if !flagColor {
		return false
	}
	if env == nil {
		env = os.Getenv
	}
	if env("PACKER_NO_COLOR") != "" {
		return false
	}
	return out != nil && term.IsTerminal(int(out.Fd()))
}

// IsTerminal reports whether w is a file attached to a terminal. Use it to
// decide [BasicOptions.Progress].
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// colorize wraps message in an ANSI colour sequence exactly as Packer's
// ColoredUi does.
func colorize(message string, c Color, bold bool) string {
	attr := 0
	if bold {
		attr = 1
	}
	return fmt.Sprintf("\033[%d;%dm%s\033[0m", attr, c, message)
}

// colorReporter is implemented by the Uis of this package that know whether
// their output is coloured; a Ui that does not implement it is not.
type colorReporter interface {
	colorEnabled() bool
}

// scrubberOf returns the Scrubber of the leaf under u, so that decorators
// can scrub text before they transform it (a multi-line secret would
// otherwise be split by Targeted's prefixes). nil for foreign Uis.
type scrubberHolder interface {
	scrubber() *Scrubber
}

func scrubberOf(u sdk.Ui) *Scrubber {
	if h, ok := u.(scrubberHolder); ok {
		return h.scrubber()
	}
	return nil
}

func colorOn(u sdk.Ui) bool {
	c, ok := u.(colorReporter)
	return ok && c.colorEnabled()
}

// Colored returns a Ui that colours text like Packer's ColoredUi: Say is bold
// and coloured, Message is coloured, Error is bold red. It colours nothing
// (passes through) when c is NoColor or parent's output is not coloured
// (a machine-readable Ui, colour disabled, or a Ui from another package).
func Colored(parent sdk.Ui, c Color) sdk.Ui {
	return &colored{parent: parent, color: c}
}

type colored struct {
	parent sdk.Ui
	color  Color
}

var _ sdk.Ui = (*colored)(nil)

func (u *colored) on() bool { return u.color != NoColor && colorOn(u.parent) }

func (u *colored) colorEnabled() bool  { return colorOn(u.parent) }
func (u *colored) scrubber() *Scrubber { return scrubberOf(u.parent) }

func (u *colored) Ask(query string) (string, error) {
	if u.on() {
		query = colorize(query, u.color, true)
	}
	return u.parent.Ask(query)
}

func (u *colored) Say(message string) {
	if u.on() {
		message = colorize(message, u.color, true)
	}
	u.parent.Say(message)
}

func (u *colored) Message(message string) {
	if u.on() {
		message = colorize(message, u.color, false)
	}
	u.parent.Message(message)
}

func (u *colored) Error(message string) {
	if u.on() {
		message = colorize(message, Red, true)
	}
	u.parent.Error(message)
}

func (u *colored) Machine(category string, args ...string) {
	u.parent.Machine(category, args...)
}

func (u *colored) TrackProgress(src string, current, total int64, stream io.ReadCloser) io.ReadCloser {
	return u.parent.TrackProgress(src, current, total, stream)
}
