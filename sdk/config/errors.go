package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/agext/levenshtein"
)

// Causes of a FieldError that callers can test with errors.Is.
var (
	// ErrUnknownKey: the configuration sets a key the struct does not have.
	ErrUnknownKey = errors.New("unknown configuration key")
	// ErrMissingKey: a key tagged `required:"true"` is not set.
	ErrMissingKey = errors.New("missing required configuration key")
)

// FieldError is one problem with one configuration key. Decode returns
// them joined (errors.Join); FieldErrors lists them.
type FieldError struct {
	// Path locates the key: "port" at the top level, "mount.1.source" for
	// an attribute of the second mount block, "labels.env" for an element
	// of a map. Squashed keys have no prefix.
	Path string
	// Err is the cause: ErrUnknownKey, ErrMissingKey, a *TypeError, a
	// *DurationError, an error of the interpolation hook or of a type's
	// UnmarshalMapstructure method.
	Err error
	// Suggestion is, for an unknown key, the closest known key at the same
	// level, or "".
	Suggestion string
}

// Error formats the error as Packer does, e.g.
// `unknown configuration key: "imgae"; did you mean "image"?`,
// `missing required configuration key "image"` or
// `port: expected a number, got string "abc"`.
func (e *FieldError) Error() string {
	cause := "invalid value"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	switch {
	case errors.Is(e.Err, ErrUnknownKey):
		msg := fmt.Sprintf("unknown configuration key: %q", e.Path)
		if e.Suggestion != "" {
			msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
		}
		return msg
	case errors.Is(e.Err, ErrMissingKey):
		return fmt.Sprintf("missing required configuration key %q", e.Path)
	case e.Path == "":
		return cause
	}
	return e.Path + ": " + cause
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// TypeError is the cause of a FieldError when a value cannot be converted
// to the field's type, even with the weak typing JSON templates get.
type TypeError struct {
	// Expected describes the field's type: "a number", "a bool",
	// "a list of strings", "a map of strings", "an object", …
	Expected string
	// Got describes the value: `string "abc"`, "bool true", "number 1.5",
	// "list", "object".
	Got string
	// Err is the conversion error, if any.
	Err error
}

func (e *TypeError) Error() string { return "expected " + e.Expected + ", got " + e.Got }

// Unwrap returns the conversion error.
func (e *TypeError) Unwrap() error { return e.Err }

// DurationError is the cause of a FieldError when a duration field holds
// something time.ParseDuration rejects.
type DurationError struct {
	// Value is the value as written: quoted for a string, bare for a number.
	Value string
	// Err is time.ParseDuration's error, or errDurationNumber.
	Err error
}

func (e *DurationError) Error() string {
	return fmt.Sprintf("invalid duration %s: write a number and a unit, such as \"90s\", \"5m\" or \"1h30m\"", e.Value)
}

// Unwrap returns the parse error.
func (e *DurationError) Unwrap() error { return e.Err }

var errDurationNumber = errors.New("a duration is a string with a unit")

// FieldErrors returns the *FieldError values in err, which may be a single
// FieldError, the join Decode returns, or an error wrapping one of these.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	for _, e := range leafErrors(err) {
		if fe, ok := e.(*FieldError); ok {
			out = append(out, fe)
		}
	}
	return out
}

// Split returns the parts of err: each *FieldError in it, and each other
// error kept whole. A nil err has no parts.
func Split(err error) []error { return leafErrors(err) }

// leafErrors flattens joined errors into their parts, looking through
// wrappers for joins and FieldErrors. An error with no FieldError inside
// is kept whole, with its own message.
func leafErrors(err error) []error {
	switch e := err.(type) {
	case nil:
		return nil
	case *FieldError:
		return []error{e}
	case interface{ Unwrap() []error }:
		var out []error
		for _, inner := range e.Unwrap() {
			out = append(out, leafErrors(inner)...)
		}
		return out
	case interface{ Unwrap() error }:
		inner := leafErrors(e.Unwrap())
		for _, ie := range inner {
			if _, ok := ie.(*FieldError); ok {
				return inner
			}
		}
	}
	return []error{err}
}

// suggest returns the name closest to key, when close enough to be a typo
// (a Levenshtein distance below 3, as hcl's suggestions), or "".
func suggest(key string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := levenshtein.Distance(key, n, nil); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// describeType names the kind of value a Go type accepts, with an article.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		return `a duration such as "5m"`
	}
	switch k := t.Kind(); {
	case k == reflect.String:
		return "a string"
	case k == reflect.Bool:
		return "a bool"
	case isIntKind(k), k == reflect.Float32, k == reflect.Float64:
		return "a number"
	case k == reflect.Slice, k == reflect.Array:
		return "a list of " + pluralType(t.Elem())
	case k == reflect.Map:
		return "a map of " + pluralType(t.Elem())
	case k == reflect.Struct:
		return "an object"
	}
	return "a value of type " + t.String()
}

// pluralType names the values of a container's elements.
func pluralType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		return "durations"
	}
	switch k := t.Kind(); {
	case k == reflect.String:
		return "strings"
	case k == reflect.Bool:
		return "bools"
	case isIntKind(k), k == reflect.Float32, k == reflect.Float64:
		return "numbers"
	case k == reflect.Slice, k == reflect.Array:
		return "lists"
	case k == reflect.Map:
		return "maps"
	case k == reflect.Struct:
		return "objects"
	case k == reflect.Interface:
		return "values"
	}
	return t.String() + " values"
}

// describeValue names the kind of a decoded value, showing short scalars.
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		const maxRunes = 60
		if utf8.RuneCountInString(x) > maxRunes {
			x = string([]rune(x)[:maxRunes]) + "…"
		}
		return "string " + strconv.Quote(x)
	case bool:
		return "bool " + strconv.FormatBool(x)
	}
	rv := reflect.ValueOf(v)
	switch k := rv.Kind(); {
	case isIntKind(k), k == reflect.Float32, k == reflect.Float64:
		return fmt.Sprintf("number %v", v)
	case k == reflect.Slice, k == reflect.Array:
		return "list"
	case k == reflect.Map, k == reflect.Struct:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
