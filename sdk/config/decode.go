package config

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/zclconf/go-cty/cty"
)

// DecodeOpts tunes Decode. The zero value (or a nil *DecodeOpts) decodes
// without interpolation.
type DecodeOpts struct {
	// Interpolate, when set, is applied to every string value after the
	// raws are merged, inside lists, maps and blocks too; the result
	// replaces the value. path is where the value is, as in FieldError.Path
	// ("execute_command", "mount.0.source", "labels.env"). An error is
	// reported as a FieldError at that path. Unknown keys are not
	// interpolated.
	Interpolate func(path, value string) (string, error)
	// InterpolateExclude lists top-level keys, with everything below them,
	// that Interpolate leaves untouched (rendered later with component
	// data, e.g. "execute_command", "inline").
	InterpolateExclude []string
	// Metadata, when set, receives mapstructure's account of the decoding:
	// Keys lists the keys that were set ("image", "mount[0].source"), and
	// Unset the struct keys no raw set.
	Metadata *mapstructure.Metadata
}

// decodeHook gives JSON templates Packer's conversions: "1m30s" to a
// time.Duration and "a,b" to a []string.
var decodeHook = mapstructure.ComposeDecodeHookFunc(
	durationHook,
	mapstructure.StringToSliceHookFunc(","),
)

// Decode decodes raws into target, a non-nil pointer to a configuration
// struct (see the package documentation for the struct rules).
//
// Each raw is one of:
//   - a cty.Value object, as hcldec.Decode produces with Spec(target):
//     null attributes and unknown values are skipped, and blocks that are
//     absent (empty block lists and maps) do not count as set;
//   - a map with string keys, such as map[string]any from a JSON template or
//     core's packer_* settings: nil values are skipped;
//   - nil, which is ignored.
//
// Raws are merged in order, a later key replacing an earlier one at the top
// level (a nested block or map is replaced whole). Fields no raw sets keep
// the value target had, so defaults can be set before calling Decode.
//
// The merged configuration is checked against the struct: unknown keys (at
// any depth, with a suggestion), required keys that are missing (after
// merging, so a JSON template gets the check too) and fractional numbers
// for integer fields. It is then interpolated (see DecodeOpts) and decoded
// with mapstructure's weak typing: "10s" to a duration, "true" to a bool,
// "1" to a number, a number to a string, "a,b" to a []string and a single
// value to a one-element list.
//
// Problems with the configuration are returned as *FieldError values joined
// with errors.Join (list them with FieldErrors; Diagnostics locates them in
// an HCL body). A target that is not a pointer to a valid configuration
// struct, or a raw of another type, is a plain error. On error target may be
// partly written.
func Decode(target any, opts *DecodeOpts, raws ...any) error {
	if opts == nil {
		opts = &DecodeOpts{}
	}
	rv := reflect.ValueOf(target)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("config: decode target must be a non-nil pointer to a struct, got %T", target)
	}
	info, err := infoOf(rv.Elem().Type())
	if err != nil {
		return err
	}

	merged := map[string]any{}
	for i, raw := range raws {
		m, err := rawMap(raw, info)
		if err != nil {
			return fmt.Errorf("config: raw value %d: %w", i, err)
		}
		maps.Copy(merged, m)
	}

	d := &decoder{opts: opts}
	clean := d.object(info, merged, "", true, false)

	ms, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook:           decodeHook,
		ErrorUnused:          true,
		WeaklyTypedInput:     true,
		Metadata:             opts.Metadata,
		Result:               target,
		IgnoreUntaggedFields: true,
		MatchName:            func(mapKey, fieldName string) bool { return mapKey == fieldName },
	})
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := ms.Decode(clean); err != nil {
		d.addDecodeError(err)
	}
	return errors.Join(d.errs...)
}

// rawMap turns one raw value into a map of Go values. Nil and null values
// are left out, as are unknown cty values.
func rawMap(raw any, info *structInfo) (map[string]any, error) {
	switch r := raw.(type) {
	case nil:
		return nil, nil
	case cty.Value:
		v, _ := r.Unmark() // marks (sensitive) are dropped at every level
		if v.IsNull() || !v.IsKnown() {
			return nil, nil
		}
		if !v.Type().IsObjectType() && !v.Type().IsMapType() {
			return nil, fmt.Errorf("expected an object, got %s", v.Type().FriendlyName())
		}
		return ctyObject(v, info)
	case map[string]any:
		out := make(map[string]any, len(r))
		for k, v := range r {
			if v != nil {
				out[k] = v
			}
		}
		return out, nil
	}
	rv := reflect.ValueOf(raw)
	if rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String {
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			if v := it.Value().Interface(); !isNil(v) {
				out[it.Key().String()] = v
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a cty.Value object or a map[string]any, got %T", raw)
}

// ctyObject converts a known, non-null object or map. When info is set the
// value is a configuration body: absent blocks (empty block lists and maps)
// are left out, and nested blocks are converted with their own schema.
func ctyObject(v cty.Value, info *structInfo) (map[string]any, error) {
	out := make(map[string]any, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		ev, _ = ev.Unmark()
		if ev.IsNull() || !ev.IsKnown() {
			continue
		}
		key := k.AsString()
		var f *fieldInfo
		if info != nil {
			f = info.byName[key]
		}
		var (
			g   any
			ok  bool
			err error
		)
		switch {
		case f == nil || f.kind == kindAttr:
			g, ok, err = ctyToGo(ev, nil)
		case f.kind == kindBlock:
			g, ok, err = ctyToGo(ev, f.nested)
		default: // block list or map
			ty := ev.Type()
			if (ty.IsListType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType()) && ev.LengthInt() == 0 {
				continue
			}
			if f.kind == kindBlockMap && (ty.IsMapType() || ty.IsObjectType()) {
				g, ok, err = ctyLabelled(ev, f.nested)
			} else {
				g, ok, err = ctyToGo(ev, f.nested)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if ok {
			out[key] = g
		}
	}
	return out, nil
}

// ctyLabelled converts the object of labelled blocks a BlockMapSpec
// produces, each block with the schema info.
func ctyLabelled(v cty.Value, info *structInfo) (any, bool, error) {
	out := make(map[string]any, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		g, ok, err := ctyToGo(ev, info)
		if err != nil || !ok {
			return nil, ok, err
		}
		out[k.AsString()] = g
	}
	return out, true, nil
}

// ctyToGo converts a known value to string, int, float64, bool, []any or
// map[string]any (objects with the schema info, if set). ok is false when
// the value is unknown, or a sequence holding an unknown element.
func ctyToGo(v cty.Value, info *structInfo) (any, bool, error) {
	v, _ = v.Unmark()
	if !v.IsKnown() {
		return nil, false, nil
	}
	if v.IsNull() {
		return nil, true, nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString(), true, nil
	case ty == cty.Number:
		return goNumber(v.AsBigFloat()), true, nil
	case ty == cty.Bool:
		return v.True(), true, nil
	case ty.IsSetType() && !v.IsWhollyKnown():
		return nil, false, nil
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			g, ok, err := ctyToGo(ev, info)
			if err != nil || !ok {
				return nil, ok, err
			}
			out = append(out, g)
		}
		return out, true, nil
	case ty.IsMapType() || ty.IsObjectType():
		m, err := ctyObject(v, info)
		return m, err == nil, err
	}
	return nil, false, fmt.Errorf("unsupported value of type %s", ty.FriendlyName())
}

// goNumber returns an int for whole numbers that fit, else a float64.
func goNumber(f *big.Float) any {
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact && i >= math.MinInt && i <= math.MaxInt {
			return int(i)
		}
		if u, acc := f.Uint64(); acc == big.Exact {
			return u
		}
	}
	x, _ := f.Float64()
	return x
}

// decoder collects the problems found while checking a configuration.
type decoder struct {
	opts *DecodeOpts
	errs []error
}

func (d *decoder) fail(path string, err error) {
	d.errs = append(d.errs, &FieldError{Path: path, Err: err})
}

// object checks the body m against info and returns a copy holding only
// known keys, interpolated. At the top level (top) interpolation is decided
// per key; below it interp says whether to interpolate.
func (d *decoder) object(info *structInfo, m map[string]any, path string, top, interp bool) map[string]any {
	out := make(map[string]any, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		p := joinPath(path, k)
		f := info.byName[k]
		if f == nil {
			d.errs = append(d.errs, &FieldError{Path: p, Err: ErrUnknownKey, Suggestion: suggest(k, info.names)})
			continue
		}
		if isNil(v) {
			continue
		}
		in := interp
		if top {
			in = d.opts.Interpolate != nil && !slices.Contains(d.opts.InterpolateExclude, k)
		}
		if v, ok := d.value(f, v, p, in); ok {
			out[k] = v
		}
	}
	for _, f := range info.fields {
		if !f.required {
			continue
		}
		v, set := out[f.name]
		if set && f.kind == kindBlockList {
			if s, ok := asSlice(v); ok && len(s) == 0 {
				set = false
			}
		}
		if !set {
			d.fail(joinPath(path, f.name), ErrMissingKey)
		}
	}
	return out
}

// value checks and interpolates the value of field f. ok is false when the
// value is dropped because of an error already recorded.
func (d *decoder) value(f *fieldInfo, v any, path string, interp bool) (any, bool) {
	switch f.kind {
	case kindAttr:
		if interp {
			v = d.interpolate(path, v)
		}
		if f.wholeNum {
			if x, ok := asFloat(v); ok && (x != math.Trunc(x) || math.IsInf(x, 0)) {
				d.fail(path, &TypeError{Expected: "a whole number", Got: describeValue(v)})
				return nil, false
			}
		}
		return v, true
	case kindBlock:
		if m, ok := asMap(v); ok {
			return d.object(f.nested, m, path, false, interp), true
		}
		d.fail(path, &TypeError{Expected: "an object", Got: describeValue(v)})
		return nil, false
	case kindBlockList:
		if m, ok := asMap(v); ok {
			// A single block where a list is expected: weak typing lifts it.
			v = []any{}
			if len(m) > 0 {
				v = []any{m}
			}
		}
		s, ok := asSlice(v)
		if !ok {
			d.fail(path, &TypeError{Expected: "a list of objects", Got: describeValue(v)})
			return nil, false
		}
		out := make([]any, 0, len(s))
		for i, e := range s {
			p := path + "." + strconv.Itoa(i)
			if m, ok := asMap(e); ok {
				out = append(out, d.object(f.nested, m, p, false, interp))
			} else {
				d.fail(p, &TypeError{Expected: "an object", Got: describeValue(e)})
			}
		}
		return out, true
	case kindBlockMap:
		m, ok := asMap(v)
		if !ok {
			d.fail(path, &TypeError{Expected: "a map of objects", Got: describeValue(v)})
			return nil, false
		}
		out := make(map[string]any, len(m))
		for _, label := range slices.Sorted(maps.Keys(m)) {
			p := path + "." + label
			if bm, ok := asMap(m[label]); ok {
				out[label] = d.object(f.nested, bm, p, false, interp)
			} else {
				d.fail(p, &TypeError{Expected: "an object", Got: describeValue(m[label])})
			}
		}
		return out, true
	}
	return v, true
}

// interpolate applies the Interpolate hook to the strings in v, returning
// copies of the containers it walks.
func (d *decoder) interpolate(path string, v any) any {
	switch x := v.(type) {
	case string:
		s, err := d.opts.Interpolate(path, x)
		if err != nil {
			d.fail(path, err)
			return x
		}
		return s
	case bool, int, float64:
		return v
	}
	if s, ok := asSlice(v); ok {
		out := make([]any, len(s))
		for i, e := range s {
			out[i] = d.interpolate(path+"."+strconv.Itoa(i), e)
		}
		return out
	}
	if m, ok := asMap(v); ok {
		out := make(map[string]any, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out[k] = d.interpolate(path+"."+k, m[k])
		}
		return out
	}
	return v
}

// addDecodeError records mapstructure's errors as FieldErrors. Decode
// wraps a join of the errors, one *DecodeError per field.
func (d *decoder) addDecodeError(err error) {
	switch e := err.(type) {
	case *mapstructure.DecodeError:
		d.fail(msPath(e.Name()), decodeCause(e.Unwrap()))
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			d.addDecodeError(inner)
		}
	case interface{ Unwrap() error }:
		d.addDecodeError(e.Unwrap())
	default:
		d.errs = append(d.errs, err)
	}
}

// decodeCause rewrites mapstructure's conversion errors as TypeErrors.
func decodeCause(err error) error {
	var ute *mapstructure.UnconvertibleTypeError
	if errors.As(err, &ute) && ute.Expected.IsValid() {
		return &TypeError{Expected: describeType(ute.Expected.Type()), Got: describeValue(ute.Value), Err: err}
	}
	var pe *mapstructure.ParseError
	if errors.As(err, &pe) && pe.Expected.IsValid() {
		return &TypeError{Expected: describeType(pe.Expected.Type()), Got: describeValue(pe.Value), Err: err}
	}
	return err
}

// msPath turns a mapstructure field name ("mount[1].source") into a path
// ("mount.1.source").
func msPath(name string) string {
	if !strings.ContainsAny(name, "[]") {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '[':
			if b.Len() > 0 {
				b.WriteByte('.')
			}
		case ']':
			if i+1 < len(name) && name[i+1] == '.' {
				i++
				b.WriteByte('.')
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// durationHook parses strings into time.Duration values. Numbers are
// rejected: Packer would read them as nanoseconds, which nobody means.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != durationType || from == durationType {
		return data, nil
	}
	if s, ok := data.(string); ok {
		dur, err := time.ParseDuration(s)
		if err != nil {
			return nil, &DurationError{Value: strconv.Quote(s), Err: err}
		}
		return dur, nil
	}
	if _, ok := asFloat(data); ok {
		return nil, &DurationError{Value: fmt.Sprint(data), Err: errDurationNumber}
	}
	return data, nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

// asMap returns v as a map[string]any when it is a map with string keys.
func asMap(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
		return nil, false
	}
	out := make(map[string]any, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		out[it.Key().String()] = it.Value().Interface()
	}
	return out, true
}

// asSlice returns v as a []any when it is a slice or array.
func asSlice(v any) ([]any, bool) {
	if s, ok := v.([]any); ok {
		return s, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// asFloat returns the value of v when it is a Go number.
func asFloat(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch k := rv.Kind(); {
	case k == reflect.Float32 || k == reflect.Float64:
		return rv.Float(), true
	case k >= reflect.Int && k <= reflect.Int64:
		return float64(rv.Int()), true
	case k >= reflect.Uint && k <= reflect.Uintptr:
		return float64(rv.Uint()), true
	}
	return 0, false
}
