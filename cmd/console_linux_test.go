package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns both sides of a new pseudo-terminal, or skips the test.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// screen collects what the console writes to the terminal.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the output holds n occurrences of sub.
func (s *screen) waitFor(t *testing.T, sub string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.String(), sub) < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d× %q; terminal shows:\n%s", n, sub, s.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// On a terminal the console prompts, edits lines (cursor keys) and keeps
// a history (up arrow), in HCL2 and in JSON mode.
func TestConsoleInteractive(t *testing.T) {
	dir := t.TempDir()
	hcl := filepath.Join(dir, "t.pkr.hcl")
	if err := os.WriteFile(hcl, []byte("variable \"name\" {\n  default = \"kiln\"\n}\nlocals {\n  greeting = \"hello ${upper(var.name)}\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(dir, "t.json")
	if err := os.WriteFile(js, []byte(`{"variables": {"name": "kiln"}, "builders": [{"type": "null"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	const (
		up    = "\x1b[A"
		left  = "\x1b[D"
		enter = "\r"
	)
	for _, tt := range []struct {
		name  string
		args  []string
		lines []string
		want  []string
	}{{
		name: "hcl2",
		args: []string{"console", hcl},
		lines: []string{
			"local.greeting" + enter,
			up + enter, // history: the same line again
			"var.nme" + left + left + "a" + enter,
			"help" + enter,
			"exit" + enter,
		},
		want: []string{"hello KILN\r\n", "hello KILN\r\n", "\r\nkiln\r\n", "HCL2 mode"},
	}, {
		name: "json",
		args: []string{"console", js},
		lines: []string{
			"{{user `name`}}-x" + enter,
			up + enter,
			"{{ upper \"b\" }}" + left + left + left + left + left + "a" + enter,
			"exit" + enter,
		},
		want: []string{"kiln-x\r\n", "kiln-x\r\n", "\r\nAB\r\n"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			master, slave := openPTY(t)
			var out screen
			go func() {
				b := make([]byte, 4096)
				for {
					n, err := master.Read(b)
					out.mu.Lock()
					out.buf.Write(b[:n])
					out.mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
			var stderr bytes.Buffer
			done := make(chan int, 1)
			go func() {
				done <- Run(t.Context(), append([]string{"kiln"}, tt.args...), &IOStreams{In: slave, Out: slave, ErrOut: &stderr}, func(k string) string {
					if k == "PACKER_NO_COLOR" {
						return "1"
					}
					return ""
				})
			}()
			for i, l := range tt.lines {
				out.waitFor(t, "> ", i+1)
				if _, err := master.Write([]byte(l)); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("exit status %d; stderr:\n%s", code, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("console did not exit; terminal shows:\n%s", out.String())
			}
			got := out.String()
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("terminal output lacks %q (in order); it shows:\n%q", w, got)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
