package docker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// A session is one long-lived /bin/sh in the container, started with one
// exec, that runs the communicator's commands one after another. Starting
// an exec costs the engine a runc process spawn (tens of milliseconds); a
// command sent to the session costs a fork in the container. The shell
// provisioner runs three commands per block (chmod, the script, rm), so
// this is what makes a block cost about one exec instead of three.
//
// Protocol: kiln writes one line per command, "TOKEN ESCAPED", where TOKEN
// is random hex and ESCAPED is the command with every byte but [A-Za-z0-9]
// and a few safe punctuation marks written as \0ooo (printf %b's octal
// escape). The shell decodes it, runs it with `/bin/sh -c` and stdin from
// /dev/null, then writes "\x1fTOKEN STATUS\n" to stdout and "\x1fTOKEN\n"
// to stderr. The command is over when both markers arrived; what came
// before them on each stream is its output.
//
// Unlike an exec of its own, a command killed by a signal gets the shell's
// note of it ("Killed", "Terminated") on its stderr.
//
// Commands with stdin, commands with a terminal (pty) and commands started
// while the session is busy (concurrent ones) get their own exec, as
// before. When the session's exec ends (the container stopped, a command
// killed the shell, the build was cancelled) the running command reports
// sdk.CmdDisconnect and the next command starts a new session.
type session struct {
	drv  Driver
	id   string
	user string

	// slot holds a value while a command runs.
	slot chan struct{}
	// stdin is the shell's standard input.
	stdin *io.PipeWriter
	// kill ends the exec.
	kill context.CancelFunc
	// done is closed when the exec has ended.
	done chan struct{}

	mu  sync.Mutex
	cur *sessionCmd
	err error // why the exec ended
}

// sessionScript is the shell loop the session runs. ${c%x} keeps the
// command's trailing newlines, which $(...) would strip.
const sessionScript = `while IFS=' ' read -r t c; do ` +
	`c=$(printf '%bx' "$c"); c=${c%x}; ` +
	`/bin/sh -c "$c" </dev/null; r=$?; ` +
	`printf '\037%s %d\n' "$t" "$r"; printf '\037%s\n' "$t" >&2; ` +
	`done`

// sessionCmd is the command a session runs now.
type sessionCmd struct {
	cmd      *sdk.RemoteCmd
	out, err markerScanner
	stop     func() bool // stops the ctx watch
}

// startSession starts a session's shell and returns once it runs.
func startSession(ctx context.Context, drv Driver, id, user string) (*session, error) {
	pr, pw := io.Pipe()
	sctx, kill := context.WithCancel(context.Background())
	s := &session{
		drv:   drv,
		id:    id,
		user:  user,
		slot:  make(chan struct{}, 1),
		stdin: pw,
		kill:  kill,
		done:  make(chan struct{}),
	}
	started := make(chan struct{})
	go func() {
		_, err := drv.Exec(sctx, id, ExecSpec{
			Cmd:     []string{"/bin/sh", "-c", sessionScript},
			User:    user,
			Stdin:   pr,
			Stdout:  sessionWriter{s, false},
			Stderr:  sessionWriter{s, true},
			OnStart: func() { close(started) },
		})
		s.end(err, nil)
	}()
	select {
	case <-started:
		if err := s.probe(ctx); err != nil {
			s.end(err, nil)
			return nil, err
		}
		return s, nil
	case <-s.done:
		s.mu.Lock()
		defer s.mu.Unlock()
		return nil, s.err
	case <-ctx.Done():
		kill()
		return nil, ctx.Err()
	}
}

// probeTimeout bounds the first command of a session.
var probeTimeout = 30 * time.Second

// probe runs a first command and checks that it comes back with its
// markers: a shell without printf, say, would otherwise leave every
// command waiting for ever.
func (s *session) probe(ctx context.Context) error {
	var out bytes.Buffer
	cmd := &sdk.RemoteCmd{Command: "echo ok", Stdout: &out}
	if !s.tryStart(ctx, cmd) {
		return errors.New("the shell session did not take its first command")
	}
	timer := time.NewTimer(probeTimeout)
	defer timer.Stop()
	done := make(chan int, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case code := <-done:
		if code != 0 || out.String() != "ok\n" {
			return fmt.Errorf("the shell session's first command: status %d, output %q", code, out.String())
		}
		return nil
	case <-timer.C:
		return fmt.Errorf("the shell session did not answer within %v", probeTimeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// end records that the exec ended (or makes it end) and disconnects the
// running command. It may be called more than once. With only set, it
// does nothing unless that command is the one running.
func (s *session) end(err error, only *sessionCmd) {
	if err == nil {
		err = errors.New("the shell session ended")
	}
	s.mu.Lock()
	if only != nil && s.cur != only {
		s.mu.Unlock()
		return
	}
	first := s.err == nil
	if first {
		s.err = err
	}
	cur := s.cur
	s.cur = nil
	s.mu.Unlock()
	if first {
		s.kill()
		s.stdin.CloseWithError(err)
		close(s.done)
	}
	if cur != nil {
		cur.stop()
		// A command cut short by the build's cancellation (Ctrl-C) says
		// nothing: the build reports that it was cancelled.
		if cur.cmd.Stderr != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(cur.cmd.Stderr, "kiln: %v\n", err)
		}
		<-s.slot
		cur.cmd.SetExited(sdk.CmdDisconnect)
	}
}

// alive reports whether the session's exec still runs.
func (s *session) alive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err == nil
}

// tryStart sends cmd to the session. It reports false, having done
// nothing, when the session is busy or has ended.
func (s *session) tryStart(ctx context.Context, cmd *sdk.RemoteCmd) bool {
	select {
	case s.slot <- struct{}{}:
	default:
		return false
	}
	token, err := newToken()
	if err != nil {
		<-s.slot
		return false
	}
	sc := &sessionCmd{cmd: cmd}
	sc.out.marker = []byte("\x1f" + token)
	sc.out.w = cmd.Stdout
	sc.err.marker = sc.out.marker
	sc.err.w = cmd.Stderr
	if ctx.Err() != nil {
		<-s.slot
		return false
	}
	sc.stop = context.AfterFunc(ctx, func() {
		s.end(fmt.Errorf("command %q: %w", cmd.Command, context.Cause(ctx)), sc)
	})
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		sc.stop()
		<-s.slot
		return false
	}
	s.cur = sc
	s.mu.Unlock()

	line := token + " " + escapeForPrintfB(cmd.Command) + "\n"
	// Hand the command over without blocking Start: an engine that stops
	// reading the session's stdin must not hang the build. Cancellation
	// or the end of the exec closes the pipe, which ends the write.
	go func() {
		if _, err := io.WriteString(s.stdin, line); err != nil {
			// The exec ended before the command was handed over; end has
			// disconnected it (or will).
			s.end(err, sc)
		}
	}()
	return true
}

// sessionWriter receives one output stream of the session's exec.
type sessionWriter struct {
	s      *session
	stderr bool
}

func (w sessionWriter) Write(p []byte) (int, error) {
	s := w.s
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur == nil {
		// Output of a background process, between commands.
		return len(p), nil
	}
	sc := &cur.out
	if w.stderr {
		sc = &cur.err
	}
	sc.feed(p)
	if !cur.out.done || !cur.err.done {
		return len(p), nil
	}
	s.mu.Lock()
	if s.cur != cur {
		s.mu.Unlock()
		return len(p), nil
	}
	s.cur = nil
	s.mu.Unlock()
	cur.stop()
	status, err := strconv.Atoi(strings.TrimSpace(string(cur.out.value)))
	if err != nil {
		status = sdk.CmdDisconnect
	}
	<-s.slot
	cur.cmd.SetExited(status)
	return len(p), nil
}

// markerScanner passes a stream through to w until the marker, then
// collects what follows it up to a newline (the value).
type markerScanner struct {
	marker []byte
	w      io.Writer
	held   []byte // a possible start of the marker
	found  bool
	done   bool
	value  []byte
}

func (m *markerScanner) feed(p []byte) {
	if m.done {
		return
	}
	if m.found {
		m.collect(p)
		return
	}
	data := p
	if len(m.held) > 0 {
		data = append(m.held, p...)
		m.held = nil
	}
	if i := bytes.Index(data, m.marker); i >= 0 {
		m.write(data[:i])
		m.found = true
		m.collect(data[i+len(m.marker):])
		return
	}
	keep := heldPrefix(data, m.marker)
	m.write(data[:len(data)-keep])
	if keep > 0 {
		m.held = append([]byte(nil), data[len(data)-keep:]...)
	}
}

func (m *markerScanner) collect(p []byte) {
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		m.value = append(m.value, p[:i]...)
		m.done = true
		return
	}
	m.value = append(m.value, p...)
}

func (m *markerScanner) write(p []byte) {
	if len(p) > 0 && m.w != nil {
		_, _ = m.w.Write(p)
	}
}

// heldPrefix returns the length of the longest end of data that begins
// marker (and may be completed by the next write).
func heldPrefix(data, marker []byte) int {
	from := max(0, len(data)-len(marker)+1)
	for i := from; i < len(data); i++ {
		if data[i] == marker[0] && bytes.HasPrefix(marker, data[i:]) {
			return len(data) - i
		}
	}
	return 0
}

func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// escapeForPrintfB writes s so that it is one line without spaces or
// backslashes that printf '%b' turns back into s.
func escapeForPrintfB(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("/._-=,:+@", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString(`\0`)
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + (c>>3)&7)
			b.WriteByte('0' + c&7)
		}
	}
	return b.String()
}
