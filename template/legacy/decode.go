package legacy

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"time"
)

// The helpers below decode the loosely typed values of a JSON document
// (string, float64, bool, nil, []any, map[string]any) into the few Go types
// the template structure needs. Their rules and messages follow the decoder
// Packer uses for templates (mapstructure), so that a template Packer
// rejects is rejected here with the same words. "Weak" decoding converts
// between scalars (1 → "1", true → "1"); strict decoding does not.

func sortStrings(s []string) { sort.Strings(s) }

// goType names v's type the way Go's %T prints it.
func goType(v any) string { return fmt.Sprintf("%T", v) }

// kindName names v's kind ("map", "slice", "string"...).
func kindName(v any) string {
	if v == nil {
		return "invalid"
	}
	return reflect.TypeOf(v).Kind().String()
}

func unconvertible(name, want string, v any) string {
	return fmt.Sprintf("'%s' expected type '%s', got unconvertible type '%s', value: '%v'", name, want, goType(v), v)
}

// decodeString decodes v into a string.
func decodeString(name string, v any, weak bool, errs *decodeError) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if weak {
			if x {
				return "1"
			}
			return "0"
		}
	case float64:
		if weak {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	*errs = append(*errs, unconvertible(name, "string", v))
	return ""
}

// decodeStrings decodes v into a []string. Weakly, a single value becomes
// a list of one.
func decodeStrings(name string, v any, weak bool, errs *decodeError) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = decodeString(fmt.Sprintf("%s[%d]", name, i), e, weak, errs)
		}
		return out
	case map[string]any:
		if weak && len(x) == 0 {
			return []string{}
		}
	}
	if !weak {
		*errs = append(*errs, fmt.Sprintf("'%s': source data must be an array or slice, got %s", name, kindName(v)))
		return nil
	}
	return []string{decodeString(fmt.Sprintf("%s[0]", name), v, weak, errs)}
}

// decodeDuration decodes v into a time.Duration: a string is parsed with
// time.ParseDuration, a number is nanoseconds.
func decodeDuration(name string, v any, errs *decodeError) time.Duration {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		d, err := time.ParseDuration(x)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("error decoding '%s': %s", name, err))
			return 0
		}
		return d
	case float64:
		return time.Duration(int64(x))
	case bool:
		if x {
			return 1
		}
		return 0
	}
	*errs = append(*errs, unconvertible(name, "time.Duration", v))
	return 0
}

// decodeBoolPtr strictly decodes v into a *bool; nil stays nil.
func decodeBoolPtr(name string, v any, errs *decodeError) *bool {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return &x
	}
	*errs = append(*errs, unconvertible(name, "bool", v))
	return nil
}

// decodeMap decodes v into a map[string]any.
func decodeMap(name string, v any, weak bool, errs *decodeError) map[string]any {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return x
	case []any:
		if weak && len(x) == 0 {
			return map[string]any{}
		}
	}
	*errs = append(*errs, fmt.Sprintf("'%s' expected a map, got '%s'", name, kindName(v)))
	return nil
}

// decodeList decodes v into a []any (strict).
func decodeList(name string, v any, errs *decodeError) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	*errs = append(*errs, fmt.Sprintf("'%s': source data must be an array or slice, got %s", name, kindName(v)))
	return nil
}

// errOf returns errs as an error, or nil when empty.
func (d decodeError) errOf() error {
	if len(d) == 0 {
		return nil
	}
	return d
}
