package funcs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// initTime is when kiln started: legacy_isotime and legacy_strftime format
// it, so that, as JSON templates' {{isotime}}, every call in a run agrees.
var initTime = time.Now().UTC()

// now is time.Now, replaced in tests.
var now = time.Now

// TimestampFunc returns the current UTC time in RFC 3339 format. It is
// evaluated at every call, as in Packer.
var TimestampFunc = function.New(&function.Spec{
	Description: "Returns a UTC timestamp string in RFC 3339 format.",
	Type:        function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		return cty.StringVal(now().UTC().Format(time.RFC3339)), nil
	},
})

// LegacyIsotimeFunc formats the run's start time with a Go time layout
// (RFC 3339 without one).
var LegacyIsotimeFunc = function.New(&function.Spec{
	Description: "Returns the start time of the run, formatted with a Go time layout.",
	VarParam:    &function.Parameter{Name: "format", Type: cty.String},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch len(args) {
		case 0:
			return cty.StringVal(initTime.Format(time.RFC3339)), nil
		case 1:
			return cty.StringVal(initTime.Format(args[0].AsString())), nil
		}
		return cty.UnknownVal(cty.String), fmt.Errorf("too many values, 1 needed: %v", args)
	},
})

// LegacyStrftimeFunc formats the run's start time with a C strftime
// format (RFC 3339 without one).
var LegacyStrftimeFunc = function.New(&function.Spec{
	Description: "Returns the start time of the run, formatted with a strftime format.",
	VarParam:    &function.Parameter{Name: "format", Type: cty.String},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch len(args) {
		case 0:
			return cty.StringVal(initTime.Format(time.RFC3339)), nil
		case 1:
			return cty.StringVal(Strftime(args[0].AsString(), initTime)), nil
		}
		return cty.UnknownVal(cty.String), fmt.Errorf("too many values, 1 needed: %v", args)
	},
})

// Strftime formats t with the C strftime directives. Unknown directives
// are kept as written.
func Strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch d := format[i]; d {
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'c':
			b.WriteString(t.Format("Mon Jan  2 15:04:05 2006"))
		case 'C':
			fmt.Fprintf(&b, "%02d", t.Year()/100)
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", hour12(t))
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'k':
			fmt.Fprintf(&b, "%2d", t.Hour())
		case 'l':
			fmt.Fprintf(&b, "%2d", hour12(t))
		case 'L':
			fmt.Fprintf(&b, "%03d", t.Nanosecond()/1e6)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'n':
			b.WriteByte('\n')
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'r':
			b.WriteString(t.Format("03:04:05 PM"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 't':
			b.WriteByte('\t')
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			b.WriteString(strconv.Itoa(wd))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'X':
			b.WriteString(t.Format("15:04:05"))
		case 'y':
			b.WriteString(t.Format("06"))
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(d)
		}
	}
	return b.String()
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}
