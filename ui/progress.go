package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// clearLine returns the cursor to column 0 and erases the line.
const clearLine = "\r\x1b[K"

// redrawEvery throttles progress redraws.
const redrawEvery = 100 * time.Millisecond

// TrackProgress wraps stream so that reading it shows a progress bar (bytes,
// rate, and percentage and ETA when total > 0) on the last line of Out, kept
// below other output. Closing the returned stream closes stream and leaves
// a final summary line. Without BasicOptions.Progress the stream is
// returned unchanged. With several streams at once one bar is drawn,
// followed by "(+N more)".
func (b *Basic) TrackProgress(src string, current, total int64, stream io.ReadCloser) io.ReadCloser {
	if !b.progress || stream == nil {
		return stream
	}
	br := &bar{src: plainText(b.scrub.Scrub(src)), start: b.now(), base: current, total: total}
	b.mu.Lock()
	b.bars = append(b.bars, br)
	b.drawStatusLocked()
	b.mu.Unlock()
	return &progressReader{rc: stream, ui: b, bar: br}
}

type bar struct {
	src   string
	start time.Time
	base  int64
	total int64
	n     atomic.Int64 // bytes read so far through the wrapper
}

type progressReader struct {
	rc   io.ReadCloser
	ui   *Basic
	bar  *bar
	once sync.Once
}

func (r *progressReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if n > 0 {
		r.bar.n.Add(int64(n))
		r.ui.tick()
	}
	return n, err
}

func (r *progressReader) Close() error {
	err := r.rc.Close()
	r.once.Do(func() { r.ui.finish(r.bar) })
	return err
}

// tick redraws the status line at most every redrawEvery, and never waits
// for the lock (an Ask may hold it for long).
func (b *Basic) tick() {
	if !b.mu.TryLock() {
		return
	}
	defer b.mu.Unlock()
	if b.now().Sub(b.lastDraw) >= redrawEvery {
		b.drawStatusLocked()
	}
}

// finish removes br and prints its final state as a permanent line.
func (b *Basic) finish(br *bar) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.bars {
		if x == br {
			b.bars = append(b.bars[:i], b.bars[i+1:]...)
			break
		}
	}
	line := br.render(b.now(), b.width(), true)
	buf := append([]byte(clearLine), line...)
	buf = append(buf, '\n')
	b.shown = false
	if len(b.bars) > 0 {
		buf = b.appendStatusLocked(buf)
	}
	_, _ = b.out.Write(buf)
}

// appendStatusLocked appends the status line to buf and records that it is
// shown. b.mu must be held and b.bars non-empty.
func (b *Basic) appendStatusLocked(buf []byte) []byte {
	now := b.now()
	width := b.width()
	line := b.bars[0].render(now, width, false)
	if more := len(b.bars) - 1; more > 0 {
		suffix := fmt.Sprintf(" (+%d more)", more)
		line = truncateRunes(line, width-1-len(suffix)) + suffix
	}
	buf = append(buf, '\r')
	buf = append(buf, line...)
	buf = append(buf, "\x1b[K"...)
	b.shown = true
	b.lastDraw = now
	return buf
}

// drawStatusLocked redraws the status line in place (or clears it when no
// bar is left). b.mu must be held.
func (b *Basic) drawStatusLocked() {
	if len(b.bars) == 0 {
		b.clearStatusLocked()
		return
	}
	_, _ = b.out.Write(b.appendStatusLocked(nil))
}

// clearStatusLocked erases a shown status line. b.mu must be held.
func (b *Basic) clearStatusLocked() {
	if b.shown {
		_, _ = io.WriteString(b.out, clearLine)
		b.shown = false
	}
}

// render formats the bar to fit in width-1 columns:
//
//	src [=========>          ] 45.0 MiB / 100.0 MiB  45% 9.0 MiB/s ETA 6s
func (br *bar) render(now time.Time, width int, final bool) string {
	read := br.n.Load()
	cur := br.base + read
	elapsed := now.Sub(br.start)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(read) / s
	}
	var stats string
	if br.total > 0 {
		pct := min(max(cur*100/br.total, 0), 100)
		stats = fmt.Sprintf("%s / %s %3d%% %s/s", formatBytes(float64(cur)), formatBytes(float64(br.total)), pct, formatBytes(rate))
		if !final && rate > 0 && cur < br.total {
			eta := time.Duration(float64(br.total-cur) / rate * float64(time.Second))
			stats += " ETA " + eta.Round(time.Second).String()
		}
	} else {
		stats = fmt.Sprintf("%s %s/s", formatBytes(float64(cur)), formatBytes(rate))
	}
	if final {
		stats += " in " + elapsed.Round(time.Second).String()
	}

	room := width - 1
	desc := br.src
	descLen := utf8.RuneCountInString(desc)
	barW := 0
	if br.total > 0 {
		barW = min(30, room-len(stats)-descLen-4)
		if barW < 10 {
			barW = min(10, room-len(stats)-4)
		}
		if barW < 3 {
			barW = 0
		}
	}
	used := len(stats)
	if barW > 0 {
		used += barW + 3 // "[" bar "] "
	}
	if desc != "" {
		desc = truncateRunes(desc, room-used-1)
	}

	var sb strings.Builder
	if desc != "" {
		sb.WriteString(desc)
		sb.WriteByte(' ')
	}
	if barW > 0 {
		filled := min(int(float64(barW)*float64(cur)/float64(br.total)), barW)
		filled = max(filled, 0)
		sb.WriteByte('[')
		sb.WriteString(strings.Repeat("=", filled))
		if filled < barW {
			sb.WriteByte('>')
			sb.WriteString(strings.Repeat(" ", barW-filled-1))
		}
		sb.WriteString("] ")
	}
	sb.WriteString(stats)
	return truncateRunes(sb.String(), room)
}

// truncateRunes shortens s to at most n runes, marking the cut with "...".
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if n <= 3 {
		return string(r[:n])
	}
	return string(r[:n-3]) + "..."
}

// plainText removes ANSI escape sequences and line breaks, for a bar label.
func plainText(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		if c == '\n' || c == '\r' || c == '\t' {
			c = ' '
		}
		sb.WriteByte(c)
	}
	return strings.TrimSpace(sb.String())
}

func formatBytes(n float64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", int64(n))
	}
	suffixes := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for n >= unit && i < len(suffixes)-1 {
		n /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", n, suffixes[i])
}
