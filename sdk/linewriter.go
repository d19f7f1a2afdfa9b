package sdk

import (
	"bytes"
	"strings"
	"sync"
)

// LineWriter is an io.Writer that calls a function once per complete line
// written to it (without the line ending). Flush emits a final partial line.
type LineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	emit func(string)
}

// NewLineWriter returns a LineWriter calling emit for each line.
func NewLineWriter(emit func(string)) *LineWriter {
	return &LineWriter{emit: emit}
}

// Write implements io.Writer.
func (w *LineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		i := bytes.IndexByte(w.buf.Bytes(), '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(w.buf.Next(i + 1))
		w.emit(strings.TrimRight(line, "\r\n"))
	}
}

// Flush emits whatever partial line is buffered.
func (w *LineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		w.emit(strings.TrimRight(w.buf.String(), "\r\n"))
		w.buf.Reset()
	}
}
