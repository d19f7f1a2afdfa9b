// Package compconfig decodes the configuration of kiln's own components the
// way Packer's plugins decode theirs: the raws are merged and decoded with
// sdk/config, and every string is first rendered as a {{ }} template (for
// JSON templates' {{ user }}, {{ build_name }}, …) against the packer_*
// settings core passes in — except the keys a component renders itself
// later, with its own data (execute_command's {{ .Vars }}, inline lines).
package compconfig

import (
	"errors"
	"fmt"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
	"github.com/zclconf/go-cty/cty"
)

// Decode decodes raws into target (a pointer to a component's Config
// struct), rendering every string value outside the exclude keys. It
// returns the interpolation context, for the component to render the
// excluded keys later with its own data.
func Decode(target any, exclude []string, raws ...any) (*interpolate.Context, error) {
	ictx := Context(raws...)
	return ictx, config.Decode(target, &config.DecodeOpts{
		Interpolate: func(_, value string) (string, error) {
			return interpolate.Render(value, ictx)
		},
		InterpolateExclude: exclude,
	}, raws...)
}

// Context returns the interpolation context the packer_* settings among
// raws describe: build name and type, user variables and template path.
// Later raws win, as in Decode.
func Context(raws ...any) *interpolate.Context {
	ctx := &interpolate.Context{}
	for _, raw := range raws {
		if s, ok := rawString(raw, sdk.KeyBuildName); ok {
			ctx.BuildName = s
		}
		if s, ok := rawString(raw, sdk.KeyBuilderType); ok {
			ctx.BuildType = s
		}
		if s, ok := rawString(raw, sdk.KeyTemplatePath); ok {
			ctx.TemplatePath = s
		}
		if m, ok := rawStringMap(raw, sdk.KeyUserVariables); ok {
			ctx.UserVariables = m
		}
	}
	return ctx
}

func rawValue(raw any, key string) (any, bool) {
	switch r := raw.(type) {
	case map[string]any:
		v, ok := r[key]
		return v, ok && v != nil
	case cty.Value:
		v, _ := r.Unmark()
		if v.IsNull() || !v.IsKnown() || !(v.Type().IsObjectType() && v.Type().HasAttribute(key)) {
			return nil, false
		}
		a, _ := v.GetAttr(key).Unmark()
		if a.IsNull() || !a.IsWhollyKnown() {
			return nil, false
		}
		return a, true
	}
	return nil, false
}

func rawString(raw any, key string) (string, bool) {
	v, ok := rawValue(raw, key)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case cty.Value:
		if x.Type() == cty.String {
			return x.AsString(), true
		}
	}
	return "", false
}

func rawStringMap(raw any, key string) (map[string]string, bool) {
	v, ok := rawValue(raw, key)
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	switch x := v.(type) {
	case map[string]string:
		for k, s := range x {
			out[k] = s
		}
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				out[k] = s
			} else {
				out[k] = fmt.Sprint(e)
			}
		}
	case cty.Value:
		if !x.Type().IsMapType() && !x.Type().IsObjectType() {
			return nil, false
		}
		for it := x.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if e.Type() == cty.String && !e.IsNull() {
				out[k.AsString()] = e.AsString()
			}
		}
	default:
		return nil, false
	}
	return out, true
}

// Errors collects validation problems of a configuration.
type Errors struct{ errs []error }

// Add records err (nil is ignored).
func (e *Errors) Add(err error) {
	if err != nil {
		e.errs = append(e.errs, err)
	}
}

// Key records a problem with the configuration key path, so that HCL
// diagnostics point at the attribute.
func (e *Errors) Key(path string, format string, args ...any) {
	e.errs = append(e.errs, &config.FieldError{Path: path, Err: fmt.Errorf(format, args...)})
}

// Err returns the recorded problems joined, or nil.
func (e *Errors) Err() error { return errors.Join(e.errs...) }
