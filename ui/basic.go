package ui

import (
	"bufio"
	"errors"
	"io"
	"log"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/kilnbuild/kiln/sdk"
)

var (
	// ErrNoInput is returned by Ask when no input is possible: no input
	// reader, input that is not a terminal, or machine-readable output.
	ErrNoInput = errors.New("no input available: not a terminal")
	// ErrInterrupted is returned by Ask when interrupted (SIGINT/SIGTERM)
	// while waiting, and by every later Ask of the same Ui.
	ErrInterrupted = errors.New("interrupted")
)

// BasicOptions configures a Basic Ui.
type BasicOptions struct {
	// Out receives Say and Message; default os.Stdout.
	Out io.Writer
	// Err receives Error; default Out (Packer writes errors to stdout).
	Err io.Writer
	// In is read by Ask. nil, or an *os.File that is not a terminal, makes
	// Ask fail with ErrNoInput.
	In io.Reader
	// Color enables ANSI colours: Say bold, Error bold red, Message plain,
	// and per-build colours in [Targeted]/[Colored]. Decide it with
	// [ColorEnabled].
	Color bool
	// Progress enables progress bars in TrackProgress. Set it only when Out
	// is a terminal: IsTerminal(Out) (bars redraw the last line with CR).
	Progress bool
	// Scrubber removes sensitive values; default DefaultScrubber.
	Scrubber *Scrubber
}

// Basic is the human Ui (Packer's BasicUi, plus optional colour and progress
// bars). Every Say, Message and Error is scrubbed and written as whole lines
// in a single Write under one mutex. Machine calls are only logged.
type Basic struct {
	mu          sync.Mutex
	out, err    io.Writer
	errSame     bool
	in          io.Reader
	rd          *bufio.Reader
	color       bool
	progress    bool
	scrub       *Scrubber
	interrupted bool

	// Progress state, guarded by mu.
	bars     []*bar
	shown    bool // a status line is on screen (cursor at its end)
	lastDraw time.Time
	now      func() time.Time
	width    func() int
}

var _ sdk.Ui = (*Basic)(nil)

// NewBasic returns a Basic Ui.
func NewBasic(opts BasicOptions) *Basic {
	b := &Basic{
		out:      opts.Out,
		err:      opts.Err,
		in:       opts.In,
		color:    opts.Color,
		progress: opts.Progress,
		scrub:    orDefault(opts.Scrubber),
		now:      time.Now,
	}
	if b.out == nil {
		b.out = os.Stdout
	}
	if b.err == nil {
		b.err = b.out
	}
	b.errSame = sameWriter(b.out, b.err)
	b.width = func() int { return terminalWidth(b.out) }
	return b
}

func sameWriter(a, b io.Writer) bool {
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}

func terminalWidth(w io.Writer) int {
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
			return width
		}
	}
	return 80
}

func (b *Basic) colorEnabled() bool  { return b.color }
func (b *Basic) scrubber() *Scrubber { return b.scrub }

type kind int

const (
	kindSay kind = iota
	kindMessage
	kindError
)

// style applies Basic's own colours. Text that already carries ANSI
// sequences (coloured by Colored/Targeted) is left alone.
func (b *Basic) style(k kind, message string) string {
	if !b.color || strings.Contains(message, "\x1b[") {
		return message
	}
	switch k {
	case kindSay:
		return "\x1b[1m" + message + "\x1b[0m"
	case kindError:
		return colorize(message, Red, true)
	}
	return message
}

// Say writes message and a newline to Out.
func (b *Basic) Say(message string) { b.emit(kindSay, message) }

// Message writes message and a newline to Out.
func (b *Basic) Message(message string) { b.emit(kindMessage, message) }

// Error writes message and a newline to Err (stdout unless configured).
func (b *Basic) Error(message string) { b.emit(kindError, message) }

func (b *Basic) emit(k kind, message string) {
	message = b.scrub.Scrub(message)
	if k == kindError {
		log.Printf("ui error: %s", message)
	} else {
		log.Printf("ui: %s", message)
	}
	text := b.style(k, message)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writeLineLocked(k == kindError, text)
}

// Machine only logs: human output ignores machine-readable messages.
func (b *Basic) Machine(category string, args ...string) {
	log.Printf("machine readable: %s %#v", category, args)
}

// Ask writes query and a space, then reads one line from In and returns it
// with surrounding white space trimmed. Output from other goroutines waits
// until the answer arrives.
func (b *Basic) Ask(query string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.interrupted {
		return "", ErrInterrupted
	}
	if b.in == nil {
		return "", ErrNoInput
	}
	if f, ok := b.in.(*os.File); ok && !term.IsTerminal(int(f.Fd())) {
		return "", ErrNoInput
	}
	if b.rd == nil {
		b.rd = bufio.NewReader(b.in)
	}
	query = b.scrub.Scrub(query)
	log.Printf("ui: ask: %s", query)

	sigCh := make(chan os.Signal, 1)
	signal.Notify(sigCh, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigCh)

	b.clearStatusLocked()
	if query != "" {
		if _, err := io.WriteString(b.out, query+" "); err != nil {
			return "", err
		}
	}
	type answer struct {
		line string
		err  error
	}
	result := make(chan answer, 1)
	rd := b.rd
	go func() {
		line, err := rd.ReadString('\n')
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			if errors.Is(err, io.EOF) {
				err = ErrNoInput
			}
			result <- answer{err: err}
			return
		}
		result <- answer{line: strings.TrimSpace(line)}
	}()
	select {
	case a := <-result:
		b.drawStatusLocked()
		return a.line, a.err
	case <-sigCh:
		// Start further output on a fresh line; every later Ask fails.
		_, _ = io.WriteString(b.out, "\n")
		b.interrupted = true
		return "", ErrInterrupted
	}
}

// writeLineLocked writes text and a newline, keeping any progress status
// line below it. b.mu must be held.
func (b *Basic) writeLineLocked(toErr bool, text string) {
	w := b.out
	sameStream := !toErr || b.errSame
	if !sameStream {
		w = b.err
		b.clearStatusLocked()
	}
	buf := make([]byte, 0, len(text)+64)
	if b.shown && sameStream {
		buf = append(buf, clearLine...)
		b.shown = false
	}
	buf = append(buf, text...)
	buf = append(buf, '\n')
	if sameStream && len(b.bars) > 0 {
		buf = b.appendStatusLocked(buf)
	}
	if _, err := w.Write(buf); err != nil && !errors.Is(err, syscall.EPIPE) {
		log.Printf("[ERR] Failed to write to UI: %s", err)
	}
	if !sameStream {
		b.drawStatusLocked()
	}
}
