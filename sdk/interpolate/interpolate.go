// Package interpolate renders Packer's {{ }} templates (Go text/template
// with Packer's functions) inside component configuration: JSON templates
// use it for every string, and components of both template languages use
// it for their own templates such as execute_command's {{ .Vars }}.
package interpolate

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
)

// Context is what a template is rendered against.
type Context struct {
	// Data is the dot value: a component's own fields ({{ .Vars }},
	// {{ .Path }}) or the build's generated data.
	Data any
	// UserVariables answer {{ user `name` }}.
	UserVariables map[string]string
	// BuildName and BuildType answer {{ build_name }} and {{ build_type }}.
	BuildName string
	BuildType string
	// TemplatePath is the template file, for {{ template_dir }}.
	TemplatePath string
	// EnableEnv allows {{ env `X` }} (only in variable defaults, as Packer).
	EnableEnv bool
	// Getenv reads the environment for {{ env }}; nil means none.
	Getenv func(string) string
}

// Funcs returns the template functions available for ctx.
func Funcs(ctx *Context) template.FuncMap {
	if ctx == nil {
		ctx = &Context{}
	}
	return template.FuncMap{
		"build_name": func() string { return ctx.BuildName },
		"build_type": func() string { return ctx.BuildType },
		"user": func(name string) (string, error) {
			if v, ok := ctx.UserVariables[name]; ok {
				return v, nil
			}
			return "", nil
		},
		"env": func(name string) (string, error) {
			if !ctx.EnableEnv {
				return "", fmt.Errorf("env vars are not allowed here")
			}
			if ctx.Getenv == nil {
				return "", nil
			}
			return ctx.Getenv(name), nil
		},
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
	}
}

// Render renders s against ctx. A string without "{{" is returned as is.
func Render(s string, ctx *Context) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	t, err := template.New("").Funcs(Funcs(ctx)).Parse(s)
	if err != nil {
		return "", fmt.Errorf("parse template %q: %w", s, err)
	}
	var buf bytes.Buffer
	var data any
	if ctx != nil {
		data = ctx.Data
	}
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("render template %q: %w", s, err)
	}
	return buf.String(), nil
}
