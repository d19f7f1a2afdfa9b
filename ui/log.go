package ui

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"sync"
)

// Environment variables read by SetupLog.
const (
	EnvLog     = "PACKER_LOG"
	EnvLogPath = "PACKER_LOG_PATH"
)

// LogEnabled reports whether the environment turns debug logging on:
// PACKER_LOG set to anything but "" or "0", or PACKER_LOG_PATH set.
func LogEnabled(env func(string) string) bool {
	if env == nil {
		env = os.Getenv
	}
	v := env(EnvLog)
	return (v != "" && v != "0") || env(EnvLogPath) != ""
}

// SetupLog points the standard log package (and with it slog's default
// logger, which writes through log until slog.SetDefault is called) where
// Packer sends its logs:
//
//   - PACKER_LOG_PATH set: a file at that path, created (truncated) with its
//     directory. As in Packer's code, this enables logging even without
//     PACKER_LOG.
//   - else PACKER_LOG set to anything but "" or "0": stderr, leaving out the
//     "ui: " entries that only repeat what the Ui printed (as Packer does).
//   - else: io.Discard.
//
// Log output is scrubbed with scrub (DefaultScrubber when nil), including
// values registered later. env defaults to os.Getenv and stderr to
// os.Stderr. The returned Closer (never nil) discards further log output and
// closes the log file; call it before exiting.
func SetupLog(env func(string) string, stderr io.Writer, scrub *Scrubber) (io.Closer, error) {
	if env == nil {
		env = os.Getenv
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	scrub = orDefault(scrub)

	if path := env(EnvLogPath); path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nopCloser{}, err
		}
		f, err := os.Create(path)
		if err != nil {
			return nopCloser{}, err
		}
		log.SetOutput(scrub.Writer(f))
		return &logFileCloser{f: f}, nil
	}
	if v := env(EnvLog); v != "" && v != "0" {
		log.SetOutput(scrub.Writer(&uiLogFilter{w: stderr}))
		return nopCloser{}, nil
	}
	log.SetOutput(io.Discard)
	return nopCloser{}, nil
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

type logFileCloser struct {
	once sync.Once
	f    *os.File
	err  error
}

func (c *logFileCloser) Close() error {
	c.once.Do(func() {
		log.SetOutput(io.Discard)
		c.err = c.f.Close()
	})
	return c.err
}

// uiLogFilter drops log entries that repeat Ui output ("ui: ...",
// "ui error: ..."), which would otherwise appear twice on a terminal.
// log.Logger writes one whole entry per Write.
type uiLogFilter struct {
	w io.Writer
}

func (f *uiLogFilter) Write(p []byte) (int, error) {
	msg := skipLogHeader(p)
	if bytes.HasPrefix(msg, []byte("ui: ")) || bytes.HasPrefix(msg, []byte("ui error: ")) {
		return len(p), nil
	}
	return f.w.Write(p)
}

// skipLogHeader skips the "2006/01/02 15:04:05[.000000] " header of a
// standard log entry, whatever part of it is present.
func skipLogHeader(p []byte) []byte {
	// Date: dddd/dd/dd
	if len(p) >= 11 && isDigits(p[0:4]) && p[4] == '/' && isDigits(p[5:7]) && p[7] == '/' && isDigits(p[8:10]) && p[10] == ' ' {
		p = p[11:]
	}
	// Time: dd:dd:dd[.d+]
	if len(p) >= 9 && isDigits(p[0:2]) && p[2] == ':' && isDigits(p[3:5]) && p[5] == ':' && isDigits(p[6:8]) {
		i := 8
		if p[i] == '.' {
			i++
			for i < len(p) && p[i] >= '0' && p[i] <= '9' {
				i++
			}
		}
		if i < len(p) && p[i] == ' ' {
			p = p[i+1:]
		}
	}
	return p
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
