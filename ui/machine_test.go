package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

var fixedTime = time.Date(2018, 10, 19, 16, 50, 3, 0, time.FixedZone("X", 3600))

func fixedClock() time.Time { return fixedTime }

func newTestMachine(scrub *Scrubber) (*MachineReadable, *bytes.Buffer) {
	var buf bytes.Buffer
	if scrub == nil {
		scrub = NewScrubber()
	}
	return NewMachineReadable(MachineOptions{Out: &buf, Now: fixedClock, Scrubber: scrub}), &buf
}

// packerMachineLine is the reference: Packer's MachineReadableUi.Machine.
func packerMachineLine(now time.Time, category string, args ...string) string {
	target := ""
	if i := strings.Index(category, ","); i > -1 {
		target, category = category[:i], category[i+1:]
	}
	esc := make([]string, len(args))
	for i, v := range args {
		v = strings.ReplaceAll(v, ",", "%!(PACKER_COMMA)")
		v = strings.ReplaceAll(v, "\r", "\\r")
		v = strings.ReplaceAll(v, "\n", "\\n")
		esc[i] = v
	}
	return fmt.Sprintf("%d,%s,%s,%s\n", now.Unix(), target, category, strings.Join(esc, ","))
}

func TestMachineReadableFormat(t *testing.T) {
	ts := fixedTime.Unix() // 1539964203
	tests := []struct {
		name string
		call func(u *MachineReadable)
		want string
	}{
		{"say", func(u *MachineReadable) { u.Say("hello") }, "%d,,ui,say,hello\n"},
		{"message", func(u *MachineReadable) { u.Message("detail") }, "%d,,ui,message,detail\n"},
		{"error", func(u *MachineReadable) { u.Error("bad") }, "%d,,ui,error,bad\n"},
		{"comma", func(u *MachineReadable) { u.Say("a, b,c") }, "%d,,ui,say,a%%!(PACKER_COMMA) b%%!(PACKER_COMMA)c\n"},
		{"newline", func(u *MachineReadable) { u.Say("\n==> Builds finished.") }, "%d,,ui,say,\\n==> Builds finished.\n"},
		{"crlf", func(u *MachineReadable) { u.Message("a\r\nb\r") }, "%d,,ui,message,a\\r\\nb\\r\n"},
		{"empty data", func(u *MachineReadable) { u.Machine("version-prelease", "") }, "%d,,version-prelease,\n"},
		{"no args", func(u *MachineReadable) { u.Machine("version") }, "%d,,version,\n"},
		{"multiple args", func(u *MachineReadable) { u.Machine("template-variable", "name", "a,b", "0") }, "%d,,template-variable,name,a%%!(PACKER_COMMA)b,0\n"},
		{"empty args in middle", func(u *MachineReadable) { u.Machine("x", "", "", "z") }, "%d,,x,,,z\n"},
		{"targeted category", func(u *MachineReadable) { u.Machine("docker.ubuntu,artifact-count", "2") }, "%d,docker.ubuntu,artifact-count,2\n"},
		{"target and type not escaped", func(u *MachineReadable) { u.Machine("a,b,c", "d") }, "%d,a,b,c,d\n"},
		{"artifact string", func(u *MachineReadable) {
			u.Machine("amazon-ebs,artifact", "0", "string", "AMIs were created:\neu-west-1: ami-04d23aca8bdd36e30\n")
		}, "%d,amazon-ebs,artifact,0,string,AMIs were created:\\neu-west-1: ami-04d23aca8bdd36e30\\n\n"},
		{"percent left alone", func(u *MachineReadable) { u.Say("100% done %s") }, "%d,,ui,say,100%% done %%s\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, buf := newTestMachine(nil)
			tt.call(u)
			want := fmt.Sprintf(tt.want, ts)
			if got := buf.String(); got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

func TestMachineReadableMatchesPacker(t *testing.T) {
	cases := [][]string{
		{"ui", "say", "plain"},
		{"b,artifact", "0", "file", "0", "/tmp/a,b\nc\r"},
		{"version", ""},
		{"x"},
		{"t,y", ",,,", "\n\n", "\r\r"},
	}
	for _, c := range cases {
		u, buf := newTestMachine(nil)
		args := append([]string(nil), c[1:]...)
		u.Machine(c[0], args...)
		want := packerMachineLine(fixedTime, c[0], c[1:]...)
		if buf.String() != want {
			t.Errorf("Machine(%q): got %q, want %q", c, buf.String(), want)
		}
		// The caller's slice is not modified (Packer's is).
		for i := range args {
			if args[i] != c[1+i] {
				t.Errorf("args modified: %q", args)
			}
		}
	}
}

func TestMachineReadableUsesUTCUnixSeconds(t *testing.T) {
	u, buf := newTestMachine(nil)
	u.Say("x")
	if !strings.HasPrefix(buf.String(), "1539964203,") {
		t.Errorf("got %q", buf.String())
	}
}

func TestMachineReadableAskAndProgress(t *testing.T) {
	u, _ := newTestMachine(nil)
	if _, err := u.Ask("continue?"); !errors.Is(err, ErrNoInput) || !strings.Contains(err.Error(), "machine-readable UI does not support Ask") {
		t.Errorf("Ask error = %v", err)
	}
	rc := io.NopCloser(strings.NewReader("data"))
	if got := u.TrackProgress("x", 0, 4, rc); got != rc {
		t.Error("TrackProgress wrapped the stream")
	}
	if got := Targeted(u, "b", Green).TrackProgress("x", 0, 4, rc); got != rc {
		t.Error("targeted TrackProgress wrapped the stream")
	}
}

func TestEscapeMachine(t *testing.T) {
	for in, want := range map[string]string{
		"":        "",
		"plain":   "plain",
		",":       "%!(PACKER_COMMA)",
		"a\nb":    `a\nb`,
		"a\rb":    `a\rb`,
		`a\nb`:    `a\nb`,
		"é,ü\n":   `é%!(PACKER_COMMA)ü\n`,
		",\r\n,,": `%!(PACKER_COMMA)\r\n%!(PACKER_COMMA)%!(PACKER_COMMA)`,
	} {
		if got := EscapeMachine(in); got != want {
			t.Errorf("EscapeMachine(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkMachineReadable(b *testing.B) {
	u := NewMachineReadable(MachineOptions{Out: io.Discard, Now: fixedClock, Scrubber: NewScrubber()})
	tu := Targeted(u, "docker.ubuntu", NoColor)
	b.ReportAllocs()
	for b.Loop() {
		tu.Say("Provisioning with shell script: /tmp/script.sh, step 1\nsecond line")
		tu.Machine("artifact", "0", "string", "Imported Docker image: sha256:0123456789abcdef")
	}
}

func BenchmarkMachineReadableScrubbed(b *testing.B) {
	s := NewScrubber()
	s.Add("hunter2", "s3cr3t-token")
	u := NewMachineReadable(MachineOptions{Out: io.Discard, Now: fixedClock, Scrubber: s})
	b.ReportAllocs()
	for b.Loop() {
		u.Say("==> docker.ubuntu: logging in with hunter2, token s3cr3t-token")
	}
}
