// Package interpolate renders Packer's {{ }} templates (Go text/template
// with Packer's functions) inside component configuration: JSON templates
// use it for every string, and components of both template languages use
// it for their own templates such as execute_command's {{ .Vars }}.
package interpolate

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// InitTime is the time kiln started, in UTC. {{ timestamp }}, {{ isotime }}
// and {{ strftime }} all answer it, so that every component of a run sees
// the same value.
var InitTime = time.Now().UTC()

// Context is what a template is rendered against.
type Context struct {
	// Data is the dot value: a component's own fields ({{ .Vars }},
	// {{ .Path }}) or the build's generated data, which {{ build }} reads.
	Data any
	// Funcs are extra functions, e.g. a component's own; they win over
	// the standard ones.
	Funcs template.FuncMap
	// UserVariables answer {{ user `name` }}.
	UserVariables map[string]string
	// BuildName and BuildType answer {{ build_name }} and {{ build_type }}.
	BuildName string
	BuildType string
	// TemplatePath is the template file, for {{ template_dir }}.
	TemplatePath string
	// CorePackerVersion answers {{ packer_version }}.
	CorePackerVersion string
	// EnableEnv allows {{ env }}, {{ consul_key }}, {{ vault }} and
	// {{ aws_secretsmanager }}: Packer allows them only in variable values.
	// It also makes {{ user }} fail on an undefined variable, which is how
	// variables that reference each other are resolved.
	EnableEnv bool
	// Getenv reads the environment for {{ env }}; nil means os.Getenv.
	Getenv func(string) string
	// Now is the time of {{ timestamp }}, {{ isotime }} and
	// {{ strftime }}; zero means InitTime.
	Now time.Time
	// Secrets answer the functions that read secret stores. A nil
	// function makes its template function fail with a clear error.
	Secrets SecretReaders
}

// SecretReaders read values from secret stores for variable values.
type SecretReaders struct {
	// Consul reads a key from Consul ({{ consul_key `path` }}).
	Consul func(key string) (string, error)
	// Vault reads a key of a secret ({{ vault `path` `key` }}).
	Vault func(path, key string) (string, error)
	// AWSSecret reads an AWS Secrets Manager secret, or one key of it
	// when key is not empty ({{ aws_secretsmanager `name` `key` }}).
	AWSSecret func(name, key string) (string, error)
	// AWSSecretRaw reads a secret's raw value
	// ({{ aws_secretsmanager_raw `name` }}).
	AWSSecretRaw func(name string) (string, error)
}

func (ctx *Context) now() time.Time {
	if ctx == nil || ctx.Now.IsZero() {
		return InitTime
	}
	return ctx.Now.UTC()
}

func (ctx *Context) data() any {
	if ctx == nil {
		return nil
	}
	return ctx.Data
}

// newTemplate parses s as Packer does, as a template named "root" with the
// functions of ctx.
func newTemplate(s string, ctx *Context) (*template.Template, error) {
	return template.New("root").Funcs(Funcs(ctx)).Parse(s)
}

// Validate reports whether s is a valid template for ctx (syntax and
// known functions), without rendering it.
func Validate(s string, ctx *Context) error {
	_, err := newTemplate(s, ctx)
	return err
}

// RenderOnce renders s against ctx once. Errors are text/template's, as
// in Packer ("template: root:1:2: executing ...").
func RenderOnce(s string, ctx *Context) (string, error) {
	t, err := newTemplate(s, ctx)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, ctx.data()); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Render renders s against ctx again and again until the output stops
// changing, so that a value rendering to another template is rendered too
// (Packer does this for build names and max_retries). A string without
// "{{" is returned as is.
func Render(s string, ctx *Context) (string, error) {
	for {
		if !strings.Contains(s, "{{") {
			return s, nil
		}
		out, err := RenderOnce(s, ctx)
		if err != nil || out == s {
			return out, err
		}
		s = out
	}
}

// RenderExcluding renders s once, leaving every part that exclude matches
// as written. Packer renders variable values this way, keeping
// {{ .Field }} references for later.
func RenderExcluding(s string, ctx *Context, exclude *regexp.Regexp) (string, error) {
	matches := exclude.FindAllString(s, -1)
	var pairs []string
	for i, m := range matches {
		// A marker that cannot appear in a template and survives
		// rendering untouched.
		mark := "\x00kiln-keep-" + strconv.Itoa(i) + "\x00"
		s = strings.ReplaceAll(s, m, mark)
		pairs = append(pairs, mark, m)
	}
	out, err := RenderOnce(s, ctx)
	if err != nil {
		return "", err
	}
	if len(pairs) > 0 {
		out = strings.NewReplacer(pairs...).Replace(out)
	}
	return out, nil
}

// FieldReference matches the {{ .Field }} references Packer leaves alone
// while it renders variable values.
var FieldReference = regexp.MustCompile(`{{(\s|)\.(.*?)(\s|)}}`)
