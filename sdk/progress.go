package sdk

import (
	"io"
	"sync"
)

// TrackWrites is TrackProgress for a stream that is written rather than
// read (a download, an export): writing to the returned writer writes to
// w and moves the bar; calling done ends the bar (it does not close w).
// Where ui shows no progress, w itself is returned, so that copies into
// it keep their fast paths.
func TrackWrites(ui Ui, src string, total int64, w io.Writer) (tracked io.Writer, done func()) {
	counts := &countStream{more: make(chan int, 16)}
	bar := ui.TrackProgress(src, 0, total, counts)
	if bar == io.ReadCloser(counts) {
		return w, func() {}
	}
	tw := &trackedWriter{w: w, counts: counts, drained: make(chan struct{})}
	go func() {
		// Reading the tracked stream is what moves the bar; the bytes
		// themselves went to w already.
		buf := make([]byte, 1<<16)
		for {
			if _, err := bar.Read(buf); err != nil {
				break
			}
		}
		bar.Close()
		close(tw.drained)
	}()
	return tw, tw.close
}

// trackedWriter passes the size of each write on to countStream.
type trackedWriter struct {
	w       io.Writer
	counts  *countStream
	drained chan struct{}
	once    sync.Once
}

func (t *trackedWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if n > 0 {
		t.counts.more <- n
	}
	return n, err
}

func (t *trackedWriter) close() {
	t.once.Do(func() {
		close(t.counts.more)
		<-t.drained
	})
}

// countStream is a stream of byte counts: each Read reports as read as
// many bytes as were written since, without copying them.
type countStream struct {
	more    chan int
	pending int
}

func (c *countStream) Read(p []byte) (int, error) {
	if c.pending == 0 {
		n, ok := <-c.more
		if !ok {
			return 0, io.EOF
		}
		c.pending = n
	}
	n := min(c.pending, len(p))
	c.pending -= n
	return n, nil
}

func (c *countStream) Close() error { return nil }
