package docker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// unescapePrintfB is printf '%b' for what escapeForPrintfB writes.
func unescapePrintfB(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+5 > len(s) {
			t.Fatalf("short escape at %d in %q", i, s)
		}
		if s[i+1] != '0' {
			t.Fatalf("escape without 0 at %d in %q", i, s)
		}
		n, err := strconv.ParseUint(s[i+2:i+5], 8, 8)
		if err != nil {
			t.Fatalf("bad escape %q: %v", s[i:i+5], err)
		}
		b.WriteByte(byte(n))
		i += 4
	}
	return b.String()
}

func TestEscapeForPrintfB(t *testing.T) {
	for _, in := range []string{
		"",
		"echo hi",
		"a\nb\n\n",
		`printf '%s\n' "$HOME" \ \\ ` + "`id`",
		"tab\there; semicolon & pipe | <redirect> *glob? [x] {a,b} ~ # ! $",
		"utf-8: é ✓ \x00\x01\x7f\xff",
	} {
		got := escapeForPrintfB(in)
		if strings.ContainsAny(got, " \n\t'\"$`") {
			t.Errorf("escape(%q) = %q: holds characters the shell would interpret", in, got)
		}
		if back := unescapePrintfB(t, got); back != in {
			t.Errorf("escape(%q) = %q, which decodes to %q", in, got, back)
		}
	}
}

func TestMarkerScannerSplitWrites(t *testing.T) {
	marker := []byte("\x1fabc123")
	stream := "out\x1fnot-it\x1fab and more\x1fabc12" + "\x1fabc123 42\ntrailing"
	for size := 1; size <= len(stream); size++ {
		var out bytes.Buffer
		m := markerScanner{marker: marker, w: &out}
		for i := 0; i < len(stream); i += size {
			m.feed([]byte(stream[i:min(i+size, len(stream))]))
		}
		if !m.done || string(m.value) != " 42" || out.String() != "out\x1fnot-it\x1fab and more\x1fabc12" {
			t.Fatalf("chunks of %d: done %v, value %q, output %q", size, m.done, m.value, out.String())
		}
	}
}

func TestHeldPrefix(t *testing.T) {
	marker := []byte("\x1fxyz")
	for _, tc := range []struct {
		data string
		want int
	}{
		{"abc", 0}, {"abc\x1f", 1}, {"abc\x1fx", 2}, {"abc\x1fxy", 3}, {"\x1fxa", 0}, {"", 0},
	} {
		if got := heldPrefix([]byte(tc.data), marker); got != tc.want {
			t.Errorf("heldPrefix(%q) = %d, want %d", tc.data, got, tc.want)
		}
	}
}

// fakeShell answers the session protocol on a FakeDriver: each command
// line is decoded and handed to run, whose output and status go back with
// the markers.
func fakeShell(t *testing.T, run func(cmd string) (stdout, stderr string, status int)) (*FakeDriver, *atomic.Int32) {
	var execs atomic.Int32
	fake := &FakeDriver{}
	fake.ExecFunc = func(ctx context.Context, id string, spec ExecSpec) (int, error) {
		execs.Add(1)
		if spec.OnStart != nil {
			spec.OnStart()
		}
		if spec.Stdin == nil {
			return 0, nil
		}
		buf := make([]byte, 0, 256)
		one := make([]byte, 1)
		for {
			if _, err := spec.Stdin.Read(one); err != nil {
				return 0, nil
			}
			if one[0] != '\n' {
				buf = append(buf, one[0])
				continue
			}
			tok, enc, _ := strings.Cut(string(buf), " ")
			buf = buf[:0]
			cmd := unescapePrintfB(t, enc)
			out, errOut, status := "ok\n", "", 0 // the session's probe
			if cmd != "echo ok" {
				out, errOut, status = run(cmd)
			}
			if status < 0 {
				// The exec ends under the command (the container
				// stopped, say): not a cancellation of the build.
				return 0, errors.New("exec ended")
			}
			_, _ = spec.Stdout.Write([]byte(out + "\x1f" + tok + " " + strconv.Itoa(status) + "\n"))
			_, _ = spec.Stderr.Write([]byte(errOut + "\x1f" + tok + "\n"))
		}
	}
	return fake, &execs
}

func TestSessionRunsCommandsInOneExec(t *testing.T) {
	var seen []string
	fake, execs := fakeShell(t, func(cmd string) (string, string, int) {
		seen = append(seen, cmd)
		return "out:" + cmd, "err:" + cmd, len(seen)
	})
	c := &Communicator{Driver: fake, ContainerID: "cid"}
	cmds := []string{"chmod 0755 /tmp/x.sh", "FOO='a b' /tmp/x.sh\n", "rm -f /tmp/x.sh"}
	for i, cmd := range cmds {
		var out, errb bytes.Buffer
		rc := &sdk.RemoteCmd{Command: cmd, Stdout: &out, Stderr: &errb}
		if err := c.Start(t.Context(), rc); err != nil {
			t.Fatal(err)
		}
		if code := rc.Wait(); code != i+1 || out.String() != "out:"+cmd || errb.String() != "err:"+cmd {
			t.Errorf("%q: status %d, stdout %q, stderr %q", cmd, code, out.String(), errb.String())
		}
	}
	if n := execs.Load(); n != 1 {
		t.Errorf("%d execs for %d commands, want 1", n, len(cmds))
	}
	if strings.Join(seen, "|") != strings.Join(cmds, "|") {
		t.Errorf("shell got %q, want %q", seen, cmds)
	}
}

func TestSessionEndDisconnectsAndRestarts(t *testing.T) {
	fake, execs := fakeShell(t, func(cmd string) (string, string, int) {
		if cmd == "reboot" {
			return "", "", -1 // the exec ends
		}
		return "ok\n", "", 0
	})
	c := &Communicator{Driver: fake, ContainerID: "cid"}
	var errb bytes.Buffer
	rc := &sdk.RemoteCmd{Command: "reboot", Stderr: &errb}
	if err := c.Start(t.Context(), rc); err != nil {
		t.Fatal(err)
	}
	if code := rc.Wait(); code != sdk.CmdDisconnect || !strings.Contains(errb.String(), "kiln:") {
		t.Errorf("status %d, stderr %q; want CmdDisconnect and a note", code, errb.String())
	}
	var out bytes.Buffer
	rc = &sdk.RemoteCmd{Command: "echo", Stdout: &out}
	if err := c.Start(t.Context(), rc); err != nil {
		t.Fatal(err)
	}
	if code := rc.Wait(); code != 0 || out.String() != "ok\n" {
		t.Errorf("after the end: status %d, stdout %q", code, out.String())
	}
	if n := execs.Load(); n != 2 {
		t.Errorf("%d execs, want 2 (a new session after the end)", n)
	}
}

func TestSessionCancelDisconnects(t *testing.T) {
	release := make(chan struct{})
	fake, _ := fakeShell(t, func(cmd string) (string, string, int) {
		<-release
		return "", "", 0
	})
	defer close(release)
	c := &Communicator{Driver: fake, ContainerID: "cid"}
	ctx, cancel := context.WithCancel(t.Context())
	rc := &sdk.RemoteCmd{Command: "sleep 600"}
	if err := c.Start(ctx, rc); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-waitChan(rc):
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not end after its context was cancelled")
	}
	if code := rc.ExitStatus(); code != sdk.CmdDisconnect {
		t.Errorf("status %d, want CmdDisconnect", code)
	}
}

func waitChan(rc *sdk.RemoteCmd) <-chan struct{} {
	ch := make(chan struct{})
	go func() { rc.Wait(); close(ch) }()
	return ch
}

func TestSessionBusyAndStdinUseOwnExec(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	fake := &FakeDriver{}
	fake.ExecFunc = func(ctx context.Context, id string, spec ExecSpec) (int, error) {
		calls.Add(1)
		if spec.OnStart != nil {
			spec.OnStart()
		}
		if spec.Cmd[2] != sessionScript {
			_, _ = spec.Stdout.Write([]byte("own exec: " + spec.Cmd[2]))
			return 7, nil
		}
		// The session answers its probe, then reads its first command,
		// which never ends.
		go func() {
			line, _ := bufio.NewReader(spec.Stdin).ReadString('\n')
			tok, _, _ := strings.Cut(line, " ")
			_, _ = spec.Stdout.Write([]byte("ok\n\x1f" + tok + " 0\n"))
			_, _ = spec.Stderr.Write([]byte("\x1f" + tok + "\n"))
			_, _ = io.Copy(io.Discard, spec.Stdin)
		}()
		select {
		case <-release:
		case <-ctx.Done():
		}
		return 0, ctx.Err()
	}
	defer close(release)
	c := &Communicator{Driver: fake, ContainerID: "cid"}
	if err := c.Start(t.Context(), &sdk.RemoteCmd{Command: "long"}); err != nil {
		t.Fatal(err)
	}
	for _, rc := range []*sdk.RemoteCmd{
		{Command: "while busy"},
		{Command: "with stdin", Stdin: strings.NewReader("x")},
	} {
		var out bytes.Buffer
		rc.Stdout = &out
		if err := c.Start(t.Context(), rc); err != nil {
			t.Fatal(err)
		}
		if code := rc.Wait(); code != 7 || out.String() != "own exec: "+rc.Command {
			t.Errorf("%q: status %d, stdout %q; want its own exec", rc.Command, code, out.String())
		}
	}
}

func TestSessionProbeFailureMeansOwnExecs(t *testing.T) {
	defer func(d time.Duration) { probeTimeout = d }(probeTimeout)
	probeTimeout = 200 * time.Millisecond
	for name, answer := range map[string]func(spec ExecSpec, tok string){
		// A shell whose printf does not work: no markers at all.
		"silent": func(ExecSpec, string) {},
		// A shell that answers, wrongly.
		"wrong": func(spec ExecSpec, tok string) {
			_, _ = spec.Stdout.Write([]byte("\x1f" + tok + " 127\n"))
			_, _ = spec.Stderr.Write([]byte("printf: not found\n\x1f" + tok + "\n"))
		},
	} {
		var sessions, own atomic.Int32
		fake := &FakeDriver{}
		fake.ExecFunc = func(ctx context.Context, id string, spec ExecSpec) (int, error) {
			if spec.OnStart != nil {
				spec.OnStart()
			}
			if spec.Cmd[2] != sessionScript {
				own.Add(1)
				_, _ = spec.Stdout.Write([]byte("own\n"))
				return 0, nil
			}
			sessions.Add(1)
			line, _ := bufio.NewReader(spec.Stdin).ReadString('\n')
			tok, _, _ := strings.Cut(line, " ")
			answer(spec, tok)
			<-ctx.Done()
			return 0, ctx.Err()
		}
		c := &Communicator{Driver: fake, ContainerID: "cid"}
		for range 3 {
			var out bytes.Buffer
			rc := &sdk.RemoteCmd{Command: "echo hi", Stdout: &out}
			if err := c.Start(t.Context(), rc); err != nil {
				t.Fatal(err)
			}
			if code := rc.Wait(); code != 0 || out.String() != "own\n" {
				t.Errorf("%s: status %d, stdout %q; want the command's own exec", name, code, out.String())
			}
		}
		if sessions.Load() != 1 || own.Load() != 3 {
			t.Errorf("%s: %d sessions and %d own execs, want 1 (tried once) and 3", name, sessions.Load(), own.Load())
		}
	}
}
