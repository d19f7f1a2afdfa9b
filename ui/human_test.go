package ui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

func newTestBasic(color bool) (*Basic, *bytes.Buffer) {
	var buf bytes.Buffer
	return NewBasic(BasicOptions{Out: &buf, Color: color, Scrubber: NewScrubber()}), &buf
}

func TestBasicWritesLines(t *testing.T) {
	u, buf := newTestBasic(false)
	u.Say("say")
	u.Message("message")
	u.Error("error")
	u.Machine("artifact", "0", "id", "x") // human output ignores it
	if got, want := buf.String(), "say\nmessage\nerror\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestBasicSeparateErrWriter(t *testing.T) {
	var out, errw bytes.Buffer
	u := NewBasic(BasicOptions{Out: &out, Err: &errw, Scrubber: NewScrubber()})
	u.Say("a")
	u.Error("b")
	if out.String() != "a\n" || errw.String() != "b\n" {
		t.Errorf("out %q err %q", out.String(), errw.String())
	}
}

func TestBasicColor(t *testing.T) {
	u, buf := newTestBasic(true)
	u.Say("s")
	u.Message("m")
	u.Error("e")
	want := "\x1b[1ms\x1b[0m\nm\n\x1b[1;31me\x1b[0m\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestTargetedHuman(t *testing.T) {
	tests := []struct {
		name string
		call func(u sdk.Ui)
		want string
	}{
		{"say", func(u sdk.Ui) {
			u.Say("Creating a temporary directory")
		}, "==> docker.ubuntu: Creating a temporary directory\n"},
		{"message", func(u sdk.Ui) {
			u.Message("Container ID: abc")
		}, "    docker.ubuntu: Container ID: abc\n"},
		{"error", func(u sdk.Ui) {
			u.Error("boom")
		}, "==> docker.ubuntu: boom\n"},
		{"multi-line say", func(u sdk.Ui) {
			u.Say("one\ntwo\n\nfour")
		}, "==> docker.ubuntu: one\n==> docker.ubuntu: two\n==> docker.ubuntu: \n==> docker.ubuntu: four\n"},
		{"multi-line message", func(u sdk.Ui) {
			u.Message("one\ntwo")
		}, "    docker.ubuntu: one\n    docker.ubuntu: two\n"},
		{"trailing newline trimmed", func(u sdk.Ui) {
			u.Say("done\n")
		}, "==> docker.ubuntu: done\n==> docker.ubuntu:\n"},
		{"empty", func(u sdk.Ui) {
			u.Message("")
		}, "    docker.ubuntu:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, buf := newTestBasic(false)
			tt.call(Targeted(u, "docker.ubuntu", Green)) // colour off in u
			if buf.String() != tt.want {
				t.Errorf("got  %q\nwant %q", buf.String(), tt.want)
			}
		})
	}
}

func TestTargetedMachine(t *testing.T) {
	u, buf := newTestMachine(nil)
	tu := Targeted(u, "docker.ubuntu", Cyan) // never coloured over machine output
	tu.Say("one\ntwo")
	tu.Message("detail, more")
	tu.Error("bad")
	tu.Machine("artifact", "0", "id", "sha256:abc")
	Targeted(tu, "inner", NoColor).Machine("error", "x") // Packer nests "a,b,type"
	want := strings.Join([]string{
		`1539964203,,ui,say,==> docker.ubuntu: one\n==> docker.ubuntu: two`,
		`1539964203,,ui,message,    docker.ubuntu: detail%!(PACKER_COMMA) more`,
		`1539964203,,ui,error,==> docker.ubuntu: bad`,
		`1539964203,docker.ubuntu,artifact,0,id,sha256:abc`,
		`1539964203,docker.ubuntu,inner,error,x`,
	}, "\n") + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestTargetedColor(t *testing.T) {
	u, buf := newTestBasic(true)
	tu := Targeted(u, "b", Green)
	tu.Say("s\nt")
	tu.Message("m")
	tu.Error("e")
	want := "\x1b[1;32m==> b: s\n==> b: t\x1b[0m\n" +
		"\x1b[0;32m    b: m\x1b[0m\n" +
		"\x1b[1;31m==> b: e\x1b[0m\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}

	// NoColor: Basic's own styles apply.
	buf.Reset()
	Targeted(u, "b", NoColor).Say("s")
	if want := "\x1b[1m==> b: s\x1b[0m\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestColoredPassesThroughWhenOff(t *testing.T) {
	r := &Recorder{Scrubber: NewScrubber()}
	c := Colored(r, Magenta)
	c.Say("s")
	c.Error("e")
	if got := r.Lines(); strings.Join(got, "|") != "s|e" {
		t.Errorf("got %q", got)
	}
}

func TestBuildColorCycles(t *testing.T) {
	want := []Color{Green, Cyan, Magenta, Yellow, Blue, Green, Cyan}
	for i, c := range want {
		if got := BuildColor(i); got != c {
			t.Errorf("BuildColor(%d) = %d, want %d", i, got, c)
		}
	}
}

func TestColorEnabled(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	empty := func(string) string { return "" }
	noColor := func(k string) string {
		if k == "PACKER_NO_COLOR" {
			return "1"
		}
		return ""
	}
	if ColorEnabled(f, true, empty) {
		t.Error("colour on for a regular file")
	}
	if ColorEnabled(nil, true, empty) {
		t.Error("colour on for nil")
	}
	if ColorEnabled(f, false, noColor) {
		t.Error("colour on with PACKER_NO_COLOR")
	}
	if IsTerminal(f) || IsTerminal(&bytes.Buffer{}) {
		t.Error("IsTerminal true for a file or buffer")
	}

	tty := openPTY(t)
	if !IsTerminal(tty) {
		t.Fatal("IsTerminal false for a pty")
	}
	if !ColorEnabled(tty, true, empty) {
		t.Error("colour off for a terminal")
	}
	if ColorEnabled(tty, false, empty) {
		t.Error("colour on with -color=false")
	}
	if ColorEnabled(tty, true, noColor) {
		t.Error("colour on with PACKER_NO_COLOR=1")
	}
	if ColorEnabled(tty, true, func(k string) string {
		if k == "PACKER_NO_COLOR" {
			return "false" // any value disables
		}
		return ""
	}) {
		t.Error("colour on with PACKER_NO_COLOR=false")
	}
}

func TestTimestamped(t *testing.T) {
	u, buf := newTestBasic(false)
	ts := Timestamped(u).(*timestamped)
	ts.now = func() time.Time { return time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC) }
	ts.Say("s")
	ts.Message("m")
	ts.Error("e")
	Targeted(ts, "b", Green).Say("x\ny")
	want := "2024-05-06T07:08:09Z: s\n2024-05-06T07:08:09Z: m\n2024-05-06T07:08:09Z: e\n" +
		"2024-05-06T07:08:09Z: ==> b: x\n==> b: y\n"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}

	// Real clock: RFC 3339 with the local zone.
	buf.Reset()
	Timestamped(u).Say("now")
	re := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}): now\n$`)
	if !re.MatchString(buf.String()) {
		t.Errorf("got %q", buf.String())
	}
	if _, err := time.Parse(time.RFC3339, strings.SplitN(buf.String(), ": ", 2)[0]); err != nil {
		t.Error(err)
	}

	// Colour: the timestamp stays outside the build colour, as in Packer.
	cu, cbuf := newTestBasic(true)
	cts := Timestamped(cu).(*timestamped)
	cts.now = ts.now
	Targeted(cts, "b", Green).Say("x")
	if want := "2024-05-06T07:08:09Z: \x1b[1;32m==> b: x\x1b[0m\n"; cbuf.String() != want {
		t.Errorf("got %q, want %q", cbuf.String(), want)
	}

	// Machine-readable: the timestamp is part of the data.
	mu, mbuf := newTestMachine(nil)
	mts := Timestamped(mu).(*timestamped)
	mts.now = ts.now
	mts.Say("hi")
	mts.Machine("artifact-count", "1")
	want = "1539964203,,ui,say,2024-05-06T07:08:09Z: hi\n1539964203,,artifact-count,1\n"
	if mbuf.String() != want {
		t.Errorf("got %q, want %q", mbuf.String(), want)
	}
}

func TestBasicAsk(t *testing.T) {
	var out bytes.Buffer
	u := NewBasic(BasicOptions{Out: &out, In: strings.NewReader("  abort \nretry\nlast"), Scrubber: NewScrubber()})
	tu := Targeted(u, "b", NoColor)
	for _, want := range []string{"abort", "retry", "last"} {
		got, err := tu.Ask("[c] Clean up, [a] abort, [r] retry?")
		if err != nil || got != want {
			t.Fatalf("Ask = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := tu.Ask("again?"); !errors.Is(err, ErrNoInput) {
		t.Errorf("Ask at EOF: %v", err)
	}
	if !strings.HasPrefix(out.String(), "==> b: [c] Clean up, [a] abort, [r] retry? ") {
		t.Errorf("prompt %q", out.String())
	}

	noIn, _ := newTestBasic(false)
	if _, err := noIn.Ask("q"); !errors.Is(err, ErrNoInput) {
		t.Errorf("Ask without input: %v", err)
	}

	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	notTTY := NewBasic(BasicOptions{Out: io.Discard, In: f})
	if _, err := notTTY.Ask("q"); !errors.Is(err, ErrNoInput) {
		t.Errorf("Ask from a non-terminal: %v", err)
	}

	if _, err := NewNoop().Ask("q"); !errors.Is(err, ErrNoInput) {
		t.Errorf("Noop Ask: %v", err)
	}
}

func TestNoop(t *testing.T) {
	u := NewNoop()
	u.Say("x")
	u.Message("x")
	u.Error("x")
	u.Machine("x", "y")
	rc := io.NopCloser(strings.NewReader(""))
	if u.TrackProgress("x", 0, 0, rc) != rc {
		t.Error("stream wrapped")
	}
}

func TestRecorder(t *testing.T) {
	r := &Recorder{Answers: []string{"yes"}, Scrubber: NewScrubber()}
	tu := Targeted(r, "b", Green)
	tu.Say("s")
	r.Message("m")
	r.Error("e")
	tu.Machine("artifact", "0", "end")
	rc := io.NopCloser(strings.NewReader(""))
	if r.TrackProgress("src", 0, 0, rc) != rc {
		t.Error("stream wrapped")
	}
	if a, err := r.Ask("q?"); a != "yes" || err != nil {
		t.Errorf("Ask = %q, %v", a, err)
	}
	if _, err := r.Ask("q?"); !errors.Is(err, ErrNoInput) {
		t.Errorf("Ask without answers: %v", err)
	}
	if got := strings.Join(r.Lines(), "|"); got != "==> b: s|m|e" {
		t.Errorf("Lines = %q", got)
	}
	if got := r.Output(); got != "==> b: s\nm\ne\n" {
		t.Errorf("Output = %q", got)
	}
	if got := r.Machines(); len(got) != 1 || got[0] != "b,artifact,0,end" {
		t.Errorf("Machines = %q", got)
	}
	if len(r.Says()) != 1 || len(r.Messages()) != 1 || len(r.Errors()) != 1 {
		t.Error("per-kind accessors")
	}
	calls := r.Calls()
	if len(calls) != 7 || calls[3].Method != "machine" || calls[3].Args[1] != "end" || calls[4].Method != "progress" {
		t.Errorf("Calls = %+v", calls)
	}
	r.Reset()
	if len(r.Calls()) != 0 {
		t.Error("Reset")
	}
}
