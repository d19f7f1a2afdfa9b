package ui

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestScrubber(t *testing.T) {
	s := NewScrubber()
	s.Add("", "pass", "password123", "pass") // empty ignored, duplicates merged
	if got := s.Secrets(); strings.Join(got, "|") != "password123|pass" {
		t.Errorf("Secrets = %q", got)
	}
	for in, want := range map[string]string{
		"":                      "",
		"nothing here":          "nothing here",
		"pw=password123 p=pass": "pw=<sensitive> p=<sensitive>",
		"passpass":              "<sensitive><sensitive>",
	} {
		if got := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
	var nilS *Scrubber
	if nilS.Scrub("pass") != "pass" {
		t.Error("nil scrubber changed text")
	}
	empty := NewScrubber()
	empty.Add("")
	if empty.Scrub("x") != "x" || len(empty.Secrets()) != 0 {
		t.Error("empty string registered")
	}
	var zero Scrubber // zero value usable
	zero.Add("z")
	if zero.Scrub("aza") != "a<sensitive>a" {
		t.Error("zero-value scrubber")
	}
}

func TestScrubberWriter(t *testing.T) {
	s := NewScrubber()
	var buf bytes.Buffer
	w := s.Writer(&buf)
	fmt.Fprint(w, "token=abc\n") // nothing registered yet
	s.Add("abc")
	n, err := fmt.Fprint(w, "token=abc\n")
	if err != nil || n != len("token=abc\n") {
		t.Errorf("Write = %d, %v", n, err)
	}
	if buf.String() != "token=abc\ntoken=<sensitive>\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestScrubbingInEveryUi(t *testing.T) {
	s := NewScrubber()
	s.Add("hunter2", "a,b\nc")

	var hb bytes.Buffer
	basic := NewBasic(BasicOptions{Out: &hb, Scrubber: s})
	tb := Targeted(basic, "b", NoColor)
	tb.Say("password is hunter2")
	tb.Message("multi a,b\nc end")
	basic.Error("hunter2!")
	if want := "==> b: password is <sensitive>\n    b: multi <sensitive> end\n<sensitive>!\n"; hb.String() != want {
		t.Errorf("basic: got %q, want %q", hb.String(), want)
	}

	var mb bytes.Buffer
	mr := NewMachineReadable(MachineOptions{Out: &mb, Now: fixedClock, Scrubber: s})
	tm := Targeted(mr, "b", NoColor)
	tm.Say("pw hunter2")
	tm.Machine("artifact", "0", "string", "x a,b\nc y") // scrubbed before escaping
	mr.Error("hunter2")
	want := "1539964203,,ui,say,==> b: pw <sensitive>\n" +
		"1539964203,b,artifact,0,string,x <sensitive> y\n" +
		"1539964203,,ui,error,<sensitive>\n"
	if mb.String() != want {
		t.Errorf("machine: got %q, want %q", mb.String(), want)
	}

	r := &Recorder{Scrubber: s}
	r.Say("hunter2")
	r.Machine("x", "hunter2")
	if r.Lines()[0] != Redacted || r.Machines()[0] != "x,<sensitive>" {
		t.Errorf("recorder: %q %q", r.Lines(), r.Machines())
	}
}

func TestDefaultScrubberUsedWhenNil(t *testing.T) {
	secret := "default-scrubber-test-secret"
	DefaultScrubber.Add(secret)
	var buf bytes.Buffer
	NewBasic(BasicOptions{Out: &buf}).Say(secret)
	NewMachineReadable(MachineOptions{Out: &buf, Now: fixedClock}).Say(secret)
	(&Recorder{}).Say(secret)
	if strings.Contains(buf.String(), secret) {
		t.Errorf("secret leaked: %q", buf.String())
	}
}

func TestScrubberConcurrent(t *testing.T) {
	s := NewScrubber()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				s.Add(fmt.Sprintf("secret-%d-%d", i, j))
				_ = s.Scrub("secret-1-1 and secret-2-2")
			}
		})
	}
	wg.Wait()
	if got := s.Scrub("secret-1-1 and secret-2-2"); got != "<sensitive> and <sensitive>" {
		t.Errorf("got %q", got)
	}
}
