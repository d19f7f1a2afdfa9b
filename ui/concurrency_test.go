package ui

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
)

// chunkWriter records every Write separately.
type chunkWriter struct {
	mu     sync.Mutex
	chunks []string
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.chunks = append(w.chunks, string(p))
	return len(p), nil
}

func (w *chunkWriter) String() string { return strings.Join(w.chunks, "") }

func hammer(builds int, mk func(i int) sdk.Ui) {
	var wg sync.WaitGroup
	for i := range builds {
		u := mk(i)
		wg.Go(func() {
			for j := range 50 {
				u.Say(fmt.Sprintf("say %d\nsecond %d", j, j))
				u.Message(fmt.Sprintf("message %d", j))
				u.Error(fmt.Sprintf("error %d", j))
				u.Machine("tick", fmt.Sprint(j))
			}
		})
	}
	wg.Wait()
}

func TestConcurrentHumanLinesNeverInterleave(t *testing.T) {
	w := &chunkWriter{}
	basic := NewBasic(BasicOptions{Out: w, Scrubber: NewScrubber()})
	hammer(8, func(i int) sdk.Ui { return Targeted(basic, fmt.Sprintf("build%d", i), BuildColor(i)) })
	for _, c := range w.chunks {
		if !strings.HasSuffix(c, "\n") {
			t.Fatalf("write without a whole line: %q", c)
		}
	}
	re := regexp.MustCompile(`^(==> build\d: (say|second|error) \d+|    build\d: message \d+)$`)
	lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
	if len(lines) != 8*50*4 {
		t.Errorf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Fatalf("mangled line %q", l)
		}
	}
}

func TestConcurrentMachineLinesNeverInterleave(t *testing.T) {
	w := &chunkWriter{}
	mr := NewMachineReadable(MachineOptions{Out: w, Now: fixedClock, Scrubber: NewScrubber()})
	hammer(8, func(i int) sdk.Ui { return Targeted(mr, fmt.Sprintf("build%d", i), BuildColor(i)) })
	re := regexp.MustCompile(`^1539964203,(,ui,(say,==> build\d: say \d+\\n==> build\d: second \d+|message,    build\d: message \d+|error,==> build\d: error \d+)|build\d,tick,\d+)$`)
	lines := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
	if len(lines) != 8*50*4 {
		t.Errorf("%d lines", len(lines))
	}
	for _, c := range w.chunks {
		if strings.Count(c, "\n") != 1 || !strings.HasSuffix(c, "\n") {
			t.Fatalf("write is not one line: %q", c)
		}
	}
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Fatalf("mangled line %q", l)
		}
	}
}

func TestConcurrentProgressAndOutput(t *testing.T) {
	w := &chunkWriter{}
	basic := NewBasic(BasicOptions{Out: w, Progress: true, Scrubber: NewScrubber()})
	var wg sync.WaitGroup
	for i := range 4 {
		u := Targeted(basic, fmt.Sprintf("build%d", i), NoColor)
		wg.Go(func() {
			rc := u.TrackProgress("file", 0, 1<<16, io.NopCloser(bytes.NewReader(make([]byte, 1<<16))))
			buf := make([]byte, 512)
			for {
				u.Message("reading")
				if _, err := rc.Read(buf); err != nil {
					break
				}
			}
			if err := rc.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	lines, last := screen(w.String())
	finals := 0
	for _, l := range lines {
		switch {
		case regexp.MustCompile(`^    build\d: reading$`).MatchString(l):
		case regexp.MustCompile(`^build\d: file \[=+\] 64\.0 KiB / 64\.0 KiB 100% .*/s in \d+s$`).MatchString(l):
			finals++
		default:
			t.Fatalf("mangled screen line %q", l)
		}
	}
	if finals != 4 {
		t.Errorf("want 4 final bars, got %d", finals)
	}
	if last != "" {
		t.Errorf("status line left on screen: %q", last)
	}
	basic.mu.Lock()
	defer basic.mu.Unlock()
	if len(basic.bars) != 0 {
		t.Errorf("%d bars left", len(basic.bars))
	}
}

// screen interprets CR, LF and "erase to end of line" like a terminal and
// returns the finished lines and the current (unterminated) line.
func screen(out string) (lines []string, current string) {
	var cur []rune
	col := 0
	rs := []rune(out)
	for i := 0; i < len(rs); i++ {
		switch {
		case rs[i] == '\r':
			col = 0
		case rs[i] == '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
		case rs[i] == 0x1b && i+2 < len(rs) && rs[i+1] == '[' && rs[i+2] == 'K':
			cur = cur[:col]
			i += 2
		default:
			if col < len(cur) {
				cur[col] = rs[i]
			} else {
				cur = append(cur, rs[i])
			}
			col++
		}
	}
	return lines, string(cur)
}
