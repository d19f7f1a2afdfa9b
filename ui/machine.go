package ui

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// ErrMachineAsk is returned by MachineReadable.Ask. It wraps ErrNoInput.
var ErrMachineAsk = fmt.Errorf("machine-readable UI does not support Ask: %w", ErrNoInput)

// MachineOptions configures a MachineReadable Ui.
type MachineOptions struct {
	// Out receives the lines; default os.Stdout (Packer writes every
	// machine-readable line to stdout).
	Out io.Writer
	// Now is the clock; default time.Now. Set it for reproducible output.
	Now func() time.Time
	// Scrubber removes sensitive values from data; default DefaultScrubber.
	Scrubber *Scrubber
}

// MachineReadable is Packer's -machine-readable Ui. Each call writes one line
//
//	<unix-seconds>,<target>,<type>,<data>,<data>...
//
// where every data argument is scrubbed, then escaped: "," becomes
// "%!(PACKER_COMMA)", CR a literal `\r` and LF a literal `\n`. Target and
// type are written as given. Say, Message and Error write type "ui" with
// data "say"/"message"/"error" and the text, and an empty target. A Machine
// category of the form "target,type" (what [Targeted] sends) sets the target.
type MachineReadable struct {
	mu    sync.Mutex
	out   io.Writer
	now   func() time.Time
	scrub *Scrubber
	buf   []byte
}

var _ sdk.Ui = (*MachineReadable)(nil)

// NewMachineReadable returns a MachineReadable Ui.
func NewMachineReadable(opts MachineOptions) *MachineReadable {
	u := &MachineReadable{out: opts.Out, now: opts.Now, scrub: orDefault(opts.Scrubber)}
	if u.out == nil {
		u.out = os.Stdout
	}
	if u.now == nil {
		u.now = time.Now
	}
	return u
}

func (u *MachineReadable) scrubber() *Scrubber { return u.scrub }

// Ask always fails: machine-readable output takes no input.
func (u *MachineReadable) Ask(string) (string, error) { return "", ErrMachineAsk }

// Say writes "ts,,ui,say,<message>".
func (u *MachineReadable) Say(message string) { u.Machine("ui", "say", message) }

// Message writes "ts,,ui,message,<message>".
func (u *MachineReadable) Message(message string) { u.Machine("ui", "message", message) }

// Error writes "ts,,ui,error,<message>".
func (u *MachineReadable) Error(message string) { u.Machine("ui", "error", message) }

// Machine writes one machine-readable line. A category "target,type" is
// split at its first comma into target and type.
func (u *MachineReadable) Machine(category string, args ...string) {
	target := ""
	if i := strings.IndexByte(category, ','); i >= 0 {
		target, category = category[:i], category[i+1:]
	}
	ts := u.now().UTC().Unix()

	u.mu.Lock()
	defer u.mu.Unlock()
	b := appendMachineLine(u.buf[:0], ts, target, category, args, u.scrub)
	u.buf = b
	if _, err := u.out.Write(b); err != nil && !errors.Is(err, syscall.EPIPE) {
		log.Printf("[ERR] Failed to write to UI: %s", err)
	}
	if log.Writer() != io.Discard {
		log.Print(string(b))
	}
}

// TrackProgress returns stream unchanged: no progress bars in
// machine-readable output.
func (u *MachineReadable) TrackProgress(_ string, _, _ int64, stream io.ReadCloser) io.ReadCloser {
	return stream
}

// appendMachineLine appends the formatted line (with its newline) to b.
// It is fmt.Sprintf("%d,%s,%s,%s\n", ts, target, category,
// strings.Join(escaped(args), ",")).
func appendMachineLine(b []byte, ts int64, target, category string, args []string, scrub *Scrubber) []byte {
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, ',')
	b = append(b, target...)
	b = append(b, ',')
	b = append(b, category...)
	b = append(b, ',')
	for i, a := range args {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEscaped(b, scrub.Scrub(a))
	}
	return append(b, '\n')
}

// EscapeMachine escapes one machine-readable data value as Packer does:
// "," → "%!(PACKER_COMMA)", CR → `\r`, LF → `\n`. It does not scrub.
func EscapeMachine(s string) string {
	return string(appendEscaped(nil, s))
}

func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case ',':
			rep = "%!(PACKER_COMMA)"
		case '\r':
			rep = `\r`
		case '\n':
			rep = `\n`
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, rep...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
