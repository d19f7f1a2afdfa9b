package core

import (
	"strconv"
	"strings"
	"time"
)

// durationUnits are the units build durations are spelled in, largest
// first, as in Packer's summaries ("1 minute 3 seconds"). A year is 365
// days and a week 7 days.
var durationUnits = []struct {
	singular, plural string
	size             time.Duration
}{
	{"year", "years", 365 * 24 * time.Hour},
	{"week", "weeks", 7 * 24 * time.Hour},
	{"day", "days", 24 * time.Hour},
	{"hour", "hours", time.Hour},
	{"minute", "minutes", time.Minute},
	{"second", "seconds", time.Second},
	{"millisecond", "milliseconds", time.Millisecond},
	{"microsecond", "microseconds", time.Microsecond},
}

// FormatDuration spells d the way Packer prints build and wait durations:
// the two largest non-zero units from years down to microseconds, e.g.
// "1 minute 3 seconds", "12 seconds 64 milliseconds", "1 millisecond 5
// microseconds". Packer's surprises are kept: zero is "0 seconds", and a
// non-zero duration under a microsecond is the empty string.
func FormatDuration(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	if d == 0 {
		return "0 seconds"
	}
	rest := d.Truncate(time.Microsecond)
	parts := 0
	for _, u := range durationUnits {
		if parts == 2 {
			break
		}
		n := rest / u.size
		rest -= n * u.size
		if n == 0 {
			continue
		}
		if parts > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(int64(n), 10))
		b.WriteByte(' ')
		if n == 1 {
			b.WriteString(u.singular)
		} else {
			b.WriteString(u.plural)
		}
		parts++
	}
	return b.String()
}
