package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newProgressBasic(width int) (*Basic, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := NewBasic(BasicOptions{Out: &buf, Progress: true, Scrubber: NewScrubber()})
	b.now = clk.now
	b.width = func() int { return width }
	return b, &buf, clk
}

func TestTrackProgress(t *testing.T) {
	b, buf, clk := newProgressBasic(100)
	tu := Targeted(b, "docker.ubuntu", NoColor)
	data := bytes.Repeat([]byte("x"), 10<<20)
	rc := tu.TrackProgress("ubuntu.iso", 0, int64(len(data)), io.NopCloser(bytes.NewReader(data)))

	p := make([]byte, 4<<20)
	clk.t = clk.t.Add(2 * time.Second)
	if _, err := io.ReadFull(rc, p); err != nil {
		t.Fatal(err)
	}
	_, status := screen(buf.String())
	want := "docker.ubuntu: ubuntu.iso [============>                 ] 4.0 MiB / 10.0 MiB  40% 2.0 MiB/s ETA 3s"
	if status != want {
		t.Errorf("status\n got %q\nwant %q", status, want)
	}

	tu.Say("working")
	lines, status := screen(buf.String())
	if len(lines) != 1 || lines[0] != "==> docker.ubuntu: working" || status != want {
		t.Errorf("after Say: lines %q, status %q", lines, status)
	}

	clk.t = clk.t.Add(3 * time.Second)
	if _, err := io.Copy(io.Discard, rc); err != nil {
		t.Fatal(err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	rc.Close() // second Close prints nothing more
	lines, status = screen(buf.String())
	wantFinal := "docker.ubuntu: ubuntu.iso [==============================] 10.0 MiB / 10.0 MiB 100% 2.0 MiB/s in 5s"
	if len(lines) != 2 || lines[1] != wantFinal || status != "" {
		t.Errorf("after Close: lines %q, status %q", lines, status)
	}
	tu.Say("after")
	if lines, status = screen(buf.String()); lines[2] != "==> docker.ubuntu: after" || status != "" {
		t.Errorf("after bar: %q %q", lines, status)
	}
}

func TestTrackProgressUnknownTotalAndResume(t *testing.T) {
	b, buf, clk := newProgressBasic(80)
	rc := b.TrackProgress("stream", 0, 0, io.NopCloser(strings.NewReader(strings.Repeat("y", 3000))))
	clk.t = clk.t.Add(time.Second)
	io.Copy(io.Discard, rc)
	rc.Close()
	lines, _ := screen(buf.String())
	if len(lines) != 1 || lines[0] != "stream 2.9 KiB 2.9 KiB/s in 1s" {
		t.Errorf("lines %q", lines)
	}

	// Resumed download: current counts towards the total but not the rate.
	buf.Reset()
	rc = b.TrackProgress("resume", 1024, 2048, io.NopCloser(strings.NewReader(strings.Repeat("z", 1024))))
	clk.t = clk.t.Add(time.Second)
	io.Copy(io.Discard, rc)
	rc.Close()
	lines, _ = screen(buf.String())
	if len(lines) != 1 || !strings.Contains(lines[0], "2.0 KiB / 2.0 KiB 100% 1.0 KiB/s in 1s") {
		t.Errorf("lines %q", lines)
	}
}

func TestTrackProgressSeveralBars(t *testing.T) {
	b, buf, _ := newProgressBasic(80)
	r1 := b.TrackProgress("one", 0, 10, io.NopCloser(strings.NewReader("0123456789")))
	r2 := b.TrackProgress("two", 0, 10, io.NopCloser(strings.NewReader("0123456789")))
	_, status := screen(buf.String())
	if !strings.HasPrefix(status, "one ") || !strings.HasSuffix(status, " (+1 more)") || utf8.RuneCountInString(status) > 79 {
		t.Errorf("status %q", status)
	}
	r1.Close()
	lines, status := screen(buf.String())
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "one ") || !strings.HasPrefix(status, "two ") || strings.Contains(status, "more") {
		t.Errorf("lines %q status %q", lines, status)
	}
	r2.Close()
	if _, status = screen(buf.String()); status != "" {
		t.Errorf("status %q", status)
	}
}

func TestTrackProgressDisabled(t *testing.T) {
	u, _ := newTestBasic(false)
	rc := io.NopCloser(strings.NewReader("x"))
	if u.TrackProgress("x", 0, 1, rc) != rc {
		t.Error("stream wrapped without Progress")
	}
	if Targeted(Timestamped(u), "b", Green).TrackProgress("x", 0, 1, rc) != rc {
		t.Error("stream wrapped through decorators")
	}
}

func TestBarRenderFitsWidth(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, width := range []int{10, 20, 40, 60, 80, 200} {
		for _, total := range []int64{0, 1 << 30} {
			br := &bar{src: strings.Repeat("long-source-name/", 10) + "é", start: start, total: total}
			br.n.Store(123456789)
			for _, final := range []bool{false, true} {
				line := br.render(start.Add(7*time.Second), width, final)
				if n := utf8.RuneCountInString(line); n > width-1 {
					t.Errorf("width %d total %d final %v: %d runes: %q", width, total, final, n, line)
				}
				if !utf8.ValidString(line) {
					t.Errorf("invalid UTF-8: %q", line)
				}
			}
		}
	}
}

func TestPlainTextAndFormatBytes(t *testing.T) {
	if got := plainText("\x1b[0;32m    b: file\nx\x1b[0m "); got != "b: file x" {
		t.Errorf("plainText = %q", got)
	}
	for n, want := range map[float64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 30: "5.0 GiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%v) = %q, want %q", n, got, want)
		}
	}
}

func TestProgressScrubsSource(t *testing.T) {
	b, buf, _ := newProgressBasic(120)
	b.scrub.Add("tok3n")
	rc := b.TrackProgress("https://x/?t=tok3n", 0, 1, io.NopCloser(strings.NewReader("a")))
	io.Copy(io.Discard, rc)
	rc.Close()
	if strings.Contains(buf.String(), "tok3n") {
		t.Errorf("secret in bar: %q", buf.String())
	}
}

func TestProgressOnSeparateErrWriter(t *testing.T) {
	var out, errw bytes.Buffer
	b := NewBasic(BasicOptions{Out: &out, Err: &errw, Progress: true, Scrubber: NewScrubber()})
	b.width = func() int { return 80 }
	rc := b.TrackProgress("f", 0, 4, io.NopCloser(strings.NewReader("abcd")))
	b.Error("oops")
	if errw.String() != "oops\n" {
		t.Errorf("err %q", errw.String())
	}
	// The bar was cleared before the error and redrawn after it.
	if !strings.Contains(out.String(), "\x1b[K"+clearLine+"\r") {
		t.Errorf("out %q", out.String())
	}
	rc.Close()
}
