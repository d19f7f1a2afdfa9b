package ui

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// withStdLog restores the standard logger's output after the test.
func withStdLog(t *testing.T) {
	t.Helper()
	prev, flags := log.Writer(), log.Flags()
	t.Cleanup(func() {
		log.SetOutput(prev)
		log.SetFlags(flags)
	})
}

func TestSetupLogEnv(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		env        map[string]string
		wantStderr bool
		wantFile   string // relative to dir
	}{
		{"unset", nil, false, ""},
		{"empty", map[string]string{"PACKER_LOG": ""}, false, ""},
		{"zero", map[string]string{"PACKER_LOG": "0"}, false, ""},
		{"one", map[string]string{"PACKER_LOG": "1"}, true, ""},
		{"any value", map[string]string{"PACKER_LOG": "false"}, true, ""},
		{"path only", map[string]string{"PACKER_LOG_PATH": "a/b/packer.log"}, false, "a/b/packer.log"},
		{"path and log", map[string]string{"PACKER_LOG": "1", "PACKER_LOG_PATH": "both.log"}, false, "both.log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withStdLog(t)
			env := map[string]string{}
			for k, v := range tt.env {
				if k == EnvLogPath {
					v = filepath.Join(dir, v)
				}
				env[k] = v
			}
			var stderr bytes.Buffer
			c, err := SetupLog(envMap(env), &stderr, NewScrubber())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := LogEnabled(envMap(env)), tt.wantStderr || tt.wantFile != ""; got != want {
				t.Errorf("LogEnabled = %v, want %v", got, want)
			}
			if !tt.wantStderr && tt.wantFile == "" && log.Writer() != io.Discard {
				t.Errorf("log output is %T, want io.Discard", log.Writer())
			}
			log.Printf("[INFO] hello log")
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if err := c.Close(); err != nil { // idempotent
				t.Fatal(err)
			}
			if got := strings.Contains(stderr.String(), "[INFO] hello log"); got != tt.wantStderr {
				t.Errorf("stderr %q", stderr.String())
			}
			if tt.wantFile != "" {
				b, err := os.ReadFile(filepath.Join(dir, tt.wantFile))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), "[INFO] hello log") {
					t.Errorf("log file %q", b)
				}
				if log.Writer() != io.Discard {
					t.Error("log still points at the closed file")
				}
			}
		})
	}
}

func TestSetupLogFileError(t *testing.T) {
	withStdLog(t)
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := SetupLog(envMap(map[string]string{EnvLogPath: filepath.Join(blocker, "x.log")}), io.Discard, nil)
	if err == nil {
		t.Error("no error for an impossible path")
	}
	if c == nil {
		t.Error("nil Closer")
	}
}

func TestSetupLogScrubsAndFiltersUi(t *testing.T) {
	withStdLog(t)
	s := NewScrubber()
	var stderr bytes.Buffer
	c, err := SetupLog(envMap(map[string]string{EnvLog: "1"}), &stderr, s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.Add("t0ps3cret") // registered after setup: still scrubbed
	log.Printf("using token t0ps3cret")
	NewBasic(BasicOptions{Out: io.Discard, Scrubber: s}).Say("ui line") // "ui: " entry: filtered on stderr
	log.Printf("build: gui: kept")
	got := stderr.String()
	if strings.Contains(got, "t0ps3cret") || !strings.Contains(got, "using token <sensitive>") {
		t.Errorf("not scrubbed: %q", got)
	}
	if strings.Contains(got, "ui line") {
		t.Errorf("ui entry on stderr: %q", got)
	}
	if !strings.Contains(got, "build: gui: kept") {
		t.Errorf("other entry dropped: %q", got)
	}

	// In a log file, ui entries are kept (and scrubbed).
	path := filepath.Join(t.TempDir(), "packer.log")
	c2, err := SetupLog(envMap(map[string]string{EnvLogPath: path}), io.Discard, s)
	if err != nil {
		t.Fatal(err)
	}
	NewBasic(BasicOptions{Out: io.Discard, Scrubber: s}).Error("failed with t0ps3cret")
	NewMachineReadable(MachineOptions{Out: io.Discard, Now: fixedClock, Scrubber: s}).Say("mr t0ps3cret")
	log.Printf("secret t0ps3cret")
	c2.Close()
	b, _ := os.ReadFile(path)
	for _, want := range []string{"ui error: failed with <sensitive>", "1539964203,,ui,say,mr <sensitive>", "secret <sensitive>"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("log file lacks %q: %q", want, b)
		}
	}
	if strings.Contains(string(b), "t0ps3cret") {
		t.Errorf("secret in log file: %q", b)
	}
}

func TestSkipLogHeader(t *testing.T) {
	for in, want := range map[string]string{
		"2024/01/02 03:04:05 ui: x\n":        "ui: x\n",
		"2024/01/02 03:04:05.123456 ui: x\n": "ui: x\n",
		"03:04:05 ui error: x\n":             "ui error: x\n",
		"ui: x\n":                            "ui: x\n",
		"2024/01/02 x":                       "x",
		"short":                              "short",
	} {
		if got := string(skipLogHeader([]byte(in))); got != want {
			t.Errorf("skipLogHeader(%q) = %q, want %q", in, got, want)
		}
	}
}
