package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// HCLTyper is implemented by field types that choose their own cty type
// instead of the one derived from their Go kind, e.g. a tri-state bool
// written as a bool in HCL. Such a field is always an attribute. Decode
// hands the value to mapstructure unchanged, so the type usually implements
// mapstructure.Unmarshaler too.
type HCLTyper interface {
	HCLType() cty.Type
}

// BlockMapLabel is the label name of blocks derived from
// map[string]struct fields, as it appears in HCL diagnostics.
const BlockMapLabel = "name"

var (
	durationType = reflect.TypeFor[time.Duration]()
	hclTyperType = reflect.TypeFor[HCLTyper]()
)

// fieldKind says how a field appears in HCL.
type fieldKind int

const (
	kindAttr      fieldKind = iota // an argument: name = value
	kindBlock                      // one optional nested block
	kindBlockList                  // repeated blocks, in order
	kindBlockMap                   // blocks with one label, keyed by it
)

// fieldInfo describes one key of a configuration struct.
type fieldInfo struct {
	name     string
	kind     fieldKind
	goType   reflect.Type // the field's type, pointers included
	ctyType  cty.Type     // for kindAttr
	required bool
	wholeNum bool        // an integer field, directly or through a pointer
	nested   *structInfo // for the block kinds
}

// structInfo is the derived schema of a configuration struct, with squashed
// fields flattened. It is immutable once built.
type structInfo struct {
	fields []*fieldInfo // in declaration order
	byName map[string]*fieldInfo
	names  []string // sorted, for suggestions
	spec   hcldec.ObjectSpec
}

type cacheEntry struct {
	info *structInfo
	err  error
}

var cache sync.Map // reflect.Type → *cacheEntry

// Spec returns the hcldec.ObjectSpec of the configuration struct v (a struct
// value or a pointer to one; only its type matters, a nil pointer is fine).
// The result is derived once per type and cached; each call returns a fresh
// top-level map, but the nested specs are shared and must not be modified.
//
// Spec panics when v's type cannot describe a configuration (see SpecOf):
// that is a programming error which any test calling ConfigSpec reveals.
func Spec(v any) hcldec.ObjectSpec {
	spec, err := SpecOf(v)
	if err != nil {
		panic(err)
	}
	return spec
}

// SpecOf is like Spec but returns an error, instead of panicking, when v is
// not a struct or one of its fields cannot be mapped to HCL: an unsupported
// kind (func, chan, complex, maps with non-string keys), a squash of a
// non-struct, a ",remain" field, a recursive block type or two fields
// with the same key.
func SpecOf(v any) (hcldec.ObjectSpec, error) {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("config: spec of %T: not a struct or pointer to struct", v)
	}
	info, err := infoOf(t)
	if err != nil {
		return nil, err
	}
	return maps.Clone(info.spec), nil
}

// infoOf returns the cached schema of the struct type t.
func infoOf(t reflect.Type) (*structInfo, error) {
	if e, ok := cache.Load(t); ok {
		e := e.(*cacheEntry)
		return e.info, e.err
	}
	info, err := buildInfo(t, nil)
	if err != nil {
		err = fmt.Errorf("config: spec of %s: %w", t, err)
	}
	e, _ := cache.LoadOrStore(t, &cacheEntry{info: info, err: err})
	return e.(*cacheEntry).info, e.(*cacheEntry).err
}

// buildInfo derives the schema of struct type t. stack holds the struct
// types being built, to reject recursive blocks.
func buildInfo(t reflect.Type, stack []reflect.Type) (*structInfo, error) {
	if slices.Contains(stack, t) {
		return nil, fmt.Errorf("recursive block type %s", t)
	}
	stack = append(stack, t)
	info := &structInfo{byName: map[string]*fieldInfo{}}
	if err := addFields(info, t, stack, ""); err != nil {
		return nil, err
	}
	info.names = slices.Sorted(maps.Keys(info.byName))
	info.spec = make(hcldec.ObjectSpec, len(info.fields))
	for _, f := range info.fields {
		info.spec[f.name] = f.spec()
	}
	return info, nil
}

// addFields adds the fields of struct type t to info, flattening squashed
// structs. via names the squashed field being walked, for error messages.
func addFields(info *structInfo, t reflect.Type, stack []reflect.Type, via string) error {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("mapstructure")
		if !ok || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		optList := strings.Split(opts, ",")
		where := via + sf.Name
		if slices.Contains(optList, "remain") {
			return fmt.Errorf("field %s: \",remain\" is not supported", where)
		}
		if slices.Contains(optList, "squash") {
			st := sf.Type
			if st.Kind() == reflect.Pointer {
				st = st.Elem()
			}
			if st.Kind() != reflect.Struct {
				return fmt.Errorf("field %s: cannot squash %s, not a struct", where, sf.Type)
			}
			if !sf.IsExported() && sf.Type.Kind() == reflect.Pointer {
				return fmt.Errorf("field %s: cannot squash an unexported pointer", where)
			}
			if !sf.IsExported() && !sf.Anonymous {
				continue
			}
			if slices.Contains(stack, st) {
				return fmt.Errorf("field %s: recursive squash of %s", where, st)
			}
			if err := addFields(info, st, append(stack, st), where+"."); err != nil {
				return err
			}
			continue
		}
		if !sf.IsExported() || name == "" {
			continue
		}
		if _, dup := info.byName[name]; dup {
			return fmt.Errorf("field %s: duplicate key %q", where, name)
		}
		f, err := newField(name, sf.Type, sf.Tag.Get("required") == "true", stack)
		if err != nil {
			return fmt.Errorf("field %s: %w", where, err)
		}
		info.fields = append(info.fields, f)
		info.byName[name] = f
	}
	return nil
}

// newField classifies a field of type t as an attribute or a block kind.
func newField(name string, t reflect.Type, required bool, stack []reflect.Type) (*fieldInfo, error) {
	f := &fieldInfo{name: name, goType: t, required: required}
	if !isAttrType(t) {
		if st, ok := structElem(t); ok {
			nested, err := buildInfo(st, stack)
			if err != nil {
				return nil, err
			}
			f.nested = nested
			f.kind = kindBlock
			return f, nil
		}
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array || (t.Kind() == reflect.Map && t.Key().Kind() == reflect.String) {
			if st, ok := structElem(t.Elem()); ok && !isAttrType(t.Elem()) {
				nested, err := buildInfo(st, stack)
				if err != nil {
					return nil, err
				}
				f.nested = nested
				f.kind = kindBlockList
				if t.Kind() == reflect.Map {
					f.kind = kindBlockMap
				}
				return f, nil
			}
		}
	}
	ty, err := ctyTypeOf(t)
	if err != nil {
		return nil, err
	}
	f.ctyType = ty
	f.kind = kindAttr
	et := t
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	f.wholeNum = et != durationType && !implementsHCLTyper(et) && isIntKind(et.Kind())
	return f, nil
}

// spec returns the hcldec spec of the field.
func (f *fieldInfo) spec() hcldec.Spec {
	switch f.kind {
	case kindBlock:
		return &hcldec.BlockSpec{TypeName: f.name, Nested: f.nested.spec, Required: f.required}
	case kindBlockList:
		minItems := 0
		if f.required {
			minItems = 1
		}
		return &hcldec.BlockListSpec{TypeName: f.name, Nested: f.nested.spec, MinItems: minItems}
	case kindBlockMap:
		return &hcldec.BlockMapSpec{TypeName: f.name, LabelNames: []string{BlockMapLabel}, Nested: f.nested.spec}
	}
	return &hcldec.AttrSpec{Name: f.name, Type: f.ctyType, Required: f.required}
}

// structElem reports whether t is a struct or pointer to struct, and which.
func structElem(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t, t.Kind() == reflect.Struct
}

// isAttrType reports whether t, though maybe a struct, is an attribute.
func isAttrType(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t == durationType || implementsHCLTyper(t)
}

func implementsHCLTyper(t reflect.Type) bool {
	return t.Implements(hclTyperType) || reflect.PointerTo(t).Implements(hclTyperType)
}

// hclTypeOf calls HCLType on a zero value of t, which implements HCLTyper
// on its value or pointer receiver.
func hclTypeOf(t reflect.Type) cty.Type {
	return reflect.New(t).Interface().(HCLTyper).HCLType()
}

func isIntKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// ctyTypeOf maps an attribute's Go type to its cty type. Containers of
// interface values become cty.DynamicPseudoType as a whole, because cty
// collections need one element type while Go's can hold anything.
func ctyTypeOf(t reflect.Type) (cty.Type, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		return cty.String, nil
	}
	if implementsHCLTyper(t) {
		return hclTypeOf(t), nil
	}
	switch t.Kind() {
	case reflect.String:
		return cty.String, nil
	case reflect.Bool:
		return cty.Bool, nil
	case reflect.Float32, reflect.Float64:
		return cty.Number, nil
	case reflect.Interface:
		return cty.DynamicPseudoType, nil
	case reflect.Slice, reflect.Array:
		et, err := ctyTypeOf(t.Elem())
		if err != nil {
			return cty.NilType, err
		}
		if et == cty.DynamicPseudoType {
			return et, nil
		}
		return cty.List(et), nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return cty.NilType, fmt.Errorf("unsupported map key type %s", t.Key())
		}
		et, err := ctyTypeOf(t.Elem())
		if err != nil {
			return cty.NilType, err
		}
		if et == cty.DynamicPseudoType {
			return et, nil
		}
		return cty.Map(et), nil
	case reflect.Struct:
		return cty.NilType, fmt.Errorf("unsupported type %s: structs are blocks, and cannot be nested in attribute values", t)
	}
	if isIntKind(t.Kind()) {
		return cty.Number, nil
	}
	return cty.NilType, fmt.Errorf("unsupported type %s", t)
}
