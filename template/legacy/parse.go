package legacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Template is a parsed legacy JSON template: the document's structure,
// before variables are resolved and components are looked up.
type Template struct {
	// Path is the absolute path of the template file.
	Path string

	Description string
	MinVersion  string
	// Comments are the root keys starting with "_" and their values.
	Comments map[string]string

	// Variables are the declared user variables, by name.
	Variables map[string]*Variable
	// SensitiveVariables names the declared variables listed in
	// "sensitive-variables", in that list's order.
	SensitiveVariables []string

	// Builders are the builders by raw name (the "name" key, default the
	// type); BuilderOrder lists the raw names in template order.
	Builders     map[string]*Builder
	BuilderOrder []string

	Provisioners       []*Provisioner
	CleanupProvisioner *Provisioner
	// PostProcessors are the chains: a lone post-processor is a chain of
	// one.
	PostProcessors [][]*PostProcessor

	// Push is the deprecated Atlas "push" section, kept as read.
	Push map[string]any

	// RawContents is the file as read.
	RawContents []byte
}

// Variable is a declared user variable. A variable whose default is null
// is required.
type Variable struct {
	Key      string
	Default  string
	Required bool
}

// Builder is one entry of "builders".
type Builder struct {
	Name string
	Type string
	// Where is the builder's place in the template, as a dotted JSON
	// path ("builders.0").
	Where string
	// Config is the builder's configuration without "name" and "type";
	// nil when there is none.
	Config map[string]any
}

// OnlyExcept restricts a provisioner or post-processor to some builds.
type OnlyExcept struct {
	Only   []string
	Except []string
}

// Skip reports whether the component is left out of the build whose raw
// builder name is name: "only" wins when both are set.
func (o OnlyExcept) Skip(name string) bool {
	if len(o.Only) > 0 {
		return !contains(o.Only, name)
	}
	if len(o.Except) > 0 {
		return contains(o.Except, name)
	}
	return false
}

// validate checks that only and except are not both set and name builders
// that exist.
func (o OnlyExcept) validate(t *Template) multiError {
	if len(o.Only) > 0 && len(o.Except) > 0 {
		return multiError{errors.New("only one of 'only' or 'except' may be specified")}
	}
	var errs multiError
	for _, n := range o.Only {
		if _, ok := t.Builders[n]; !ok {
			errs = append(errs, fmt.Errorf("'only' specified builder '%s' not found", n))
		}
	}
	for _, n := range o.Except {
		if _, ok := t.Builders[n]; !ok {
			errs = append(errs, fmt.Errorf("'except' specified builder '%s' not found", n))
		}
	}
	return errs
}

// Provisioner is one entry of "provisioners" (or the
// "error-cleanup-provisioner").
type Provisioner struct {
	OnlyExcept
	Type string
	// Where is the provisioner's place in the template, as a dotted JSON
	// path ("provisioners.2", "error-cleanup-provisioner").
	Where string
	// Config is the provisioner's configuration without the keys above
	// and below; nil when there is none.
	Config map[string]any
	// Override holds per-builder configuration, by raw builder name.
	Override    map[string]any
	PauseBefore time.Duration
	// MaxRetries is kept as written: it is interpolated when builds are
	// made.
	MaxRetries string
	Timeout    time.Duration
}

// PostProcessor is one post-processor of a chain.
type PostProcessor struct {
	OnlyExcept
	// Where is the post-processor's place in the template, as a dotted
	// JSON path ("post-processors.0", "post-processors.1.0" in a chain).
	Where string
	// Name defaults to Type.
	Name              string
	Type              string
	KeepInputArtifact *bool
	Config            map[string]any
}

// UnknownKeyError is a root-level key of a template that Packer does not
// know (and that is not a "_" comment).
type UnknownKeyError struct{ Key string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("Unknown root level key in template: '%s'", e.Key)
}

// SyntaxError is a JSON syntax error with its position in the file.
type SyntaxError struct {
	// Err is the error encoding/json reported.
	Err *json.SyntaxError
	// Line and Column locate the error as Packer reports it; Highlight is
	// Packer's excerpt of the lines up to the error with a caret under it.
	Line, Column int
	Highlight    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("Error parsing JSON: %s\nAt line %d, column %d (offset %d):\n%s",
		e.Err, e.Line, e.Column, e.Err.Offset, e.Highlight)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// ParseFile reads and parses the template at path. Its Path is made
// absolute.
func ParseFile(path string) (*Template, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(src)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	t.Path = abs
	return t, nil
}

// Parse parses a template document. JSON syntax errors are *SyntaxError;
// other problems are reported with Packer's messages.
func Parse(src []byte) (*Template, error) {
	var raw any
	if err := json.Unmarshal(src, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col, hl := highlight(src, se.Offset)
			return nil, &SyntaxError{Err: se, Line: line, Column: col, Highlight: hl}
		}
		return nil, err
	}
	if err := checkDuplicateFields(json.NewDecoder(bytes.NewReader(src))); err != nil {
		return nil, err
	}
	root, ok := raw.(map[string]any)
	if !ok {
		return nil, decodeError{fmt.Sprintf("'' expected a map, got '%s'", kindName(raw))}
	}
	r, err := decodeRoot(root)
	if err != nil {
		return nil, err
	}
	r.raw = src
	return r.template()
}

// highlight locates offset in src the way Packer does (its column count
// is off by one on the first line) and returns the excerpt it prints: the
// previous line, the current line up to the error, and a caret.
func highlight(src []byte, offset int64) (line, col int, hl string) {
	line = 1
	var last string
	var cur []byte
	for i := int64(0); i < offset && i < int64(len(src)); i++ {
		b := src[i]
		if b == '\n' {
			last = string(cur)
			cur = cur[:0]
			line++
			col = 1
			continue
		}
		col++
		cur = append(cur, b)
	}
	var sb strings.Builder
	if line > 1 {
		fmt.Fprintf(&sb, "%5d: %s\n", line-1, last)
	}
	fmt.Fprintf(&sb, "%5d: %s\n", line, cur)
	fmt.Fprintf(&sb, "%s^\n", strings.Repeat(" ", col+5))
	return line, col, sb.String()
}

// checkDuplicateFields walks a valid JSON document and fails on an object
// with the same key twice, which encoding/json silently accepts.
func checkDuplicateFields(d *json.Decoder) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	delim, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '{':
		keys := map[string]bool{}
		for d.More() {
			t, err := d.Token()
			if err != nil {
				return err
			}
			key, _ := t.(string)
			if keys[key] {
				return fmt.Errorf("template has duplicate field: %s", key)
			}
			keys[key] = true
			if err := checkDuplicateFields(d); err != nil {
				return err
			}
		}
	case '[':
		for d.More() {
			if err := checkDuplicateFields(d); err != nil {
				return err
			}
		}
	}
	_, err = d.Token()
	return err
}

// rawTemplate is the root object split into its known sections.
type rawTemplate struct {
	minVersion         string
	description        string
	builders           []any
	comments           map[string]string
	push               map[string]any
	postProcessors     []any
	provisioners       []any
	cleanupProvisioner any
	variables          map[string]any
	sensitiveVariables []string
	raw                []byte
}

// rootKeys are the root sections, by the name decoding errors use and the
// key that selects them.
var rootKeys = []struct{ field, key string }{
	{"min_packer_version", "min_packer_version"},
	{"Description", "description"},
	{"builders", "builders"},
	{"Comments", "comments"},
	{"Push", "push"},
	{"post-processors", "post-processors"},
	{"Provisioners", "provisioners"},
	{"error-cleanup-provisioner", "error-cleanup-provisioner"},
	{"Variables", "variables"},
	{"sensitive-variables", "sensitive-variables"},
}

func decodeRoot(root map[string]any) (*rawTemplate, error) {
	r := &rawTemplate{}
	used := map[string]bool{}
	var errs decodeError
	for _, rk := range rootKeys {
		key, ok := matchKey(root, rk.key, used)
		if !ok {
			continue
		}
		used[key] = true
		v := root[key]
		switch rk.key {
		case "min_packer_version":
			r.minVersion = decodeString(rk.field, v, false, &errs)
		case "description":
			r.description = decodeString(rk.field, v, false, &errs)
		case "builders":
			r.builders = decodeList(rk.field, v, &errs)
		case "comments":
			r.comments = map[string]string{}
			for i, c := range decodeList(rk.field, v, &errs) {
				name := fmt.Sprintf("%s[%d]", rk.field, i)
				for k, cv := range decodeMap(name, c, false, &errs) {
					r.comments[k] = decodeString(name+"["+k+"]", cv, false, &errs)
				}
			}
		case "push":
			r.push = decodeMap(rk.field, v, false, &errs)
		case "post-processors":
			r.postProcessors = decodeList(rk.field, v, &errs)
		case "provisioners":
			r.provisioners = decodeList(rk.field, v, &errs)
		case "error-cleanup-provisioner":
			r.cleanupProvisioner = v
		case "variables":
			r.variables = decodeMap(rk.field, v, false, &errs)
		case "sensitive-variables":
			r.sensitiveVariables = decodeStrings(rk.field, v, false, &errs)
		}
	}
	if err := errs.errOf(); err != nil {
		return nil, err
	}

	var unused []string
	for k := range root {
		if !used[k] {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	var unknown multiError
	for _, k := range unused {
		if strings.HasPrefix(k, "_") {
			s, ok := root[k].(string)
			if !ok {
				//lint:ignore ST1005 Packer's wording, kept for compatibility
				return nil, fmt.Errorf("Failed to cast root level comment value in comment \"%s\" to string.", k)
			}
			if r.comments == nil {
				r.comments = map[string]string{}
			}
			r.comments[k] = s
			continue
		}
		unknown = append(unknown, &UnknownKeyError{Key: k})
	}
	if len(unknown) > 0 {
		return nil, unknown
	}
	return r, nil
}

// matchKey finds the key of m that selects a field named name: an exact
// match first, then one differing only in case, as Packer's decoder does.
func matchKey(m map[string]any, name string, used map[string]bool) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !used[k] && strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// template builds the Template, collecting every problem.
func (r *rawTemplate) template() (*Template, error) {
	t := &Template{
		Description: r.description,
		MinVersion:  r.minVersion,
		Comments:    r.comments,
		Push:        r.push,
		RawContents: r.raw,
	}
	var errs multiError

	if len(r.variables) > 0 {
		t.Variables = make(map[string]*Variable, len(r.variables))
	}
	for _, k := range sortedKeys(r.variables) {
		rawV := r.variables[k]
		v := &Variable{Key: k, Required: rawV == nil}
		var de decodeError
		v.Default = decodeString("", rawV, false, &de)
		if len(de) > 0 {
			errs = append(errs, fmt.Errorf("variable %s: %s", k, de[0]))
			continue
		}
		t.Variables[k] = v
	}
	for _, s := range r.sensitiveVariables {
		if _, ok := t.Variables[s]; ok {
			t.SensitiveVariables = append(t.SensitiveVariables, s)
		}
	}

	if len(r.builders) > 0 {
		t.Builders = make(map[string]*Builder, len(r.builders))
	}
	for i, rawB := range r.builders {
		b, err := decodeBuilder(rawB)
		if err != nil {
			errs = append(errs, fmt.Errorf("builder %d: %s", i+1, err))
			continue
		}
		if b.Type == "" {
			errs = append(errs, fmt.Errorf("builder %d: missing 'type'", i+1))
			continue
		}
		if b.Name == "" {
			b.Name = b.Type
		}
		b.Where = "builders." + strconv.Itoa(i)
		if _, ok := t.Builders[b.Name]; ok {
			errs = append(errs, fmt.Errorf("builder %d: builder with name '%s' already exists", i+1, b.Name))
			continue
		}
		t.Builders[b.Name] = b
		t.BuilderOrder = append(t.BuilderOrder, b.Name)
	}

	for i, v := range r.postProcessors {
		configs, err := parsePostProcessorChain(i, v)
		if err != nil {
			errs = appendErr(errs, err)
			continue
		}
		chain := make([]*PostProcessor, 0, len(configs))
		for j, c := range configs {
			pp, err := decodePostProcessor(c)
			if err != nil {
				errs = append(errs, fmt.Errorf("post-processor %d.%d: %s", i+1, j+1, err))
				continue
			}
			if pp.Type == "" {
				errs = append(errs, fmt.Errorf("post-processor %d.%d: type is required", i+1, j+1))
				continue
			}
			pp.Where = "post-processors." + strconv.Itoa(i)
			if _, list := v.([]any); list {
				pp.Where += "." + strconv.Itoa(j)
			}
			chain = append(chain, pp)
		}
		t.PostProcessors = append(t.PostProcessors, chain)
	}

	for i, v := range r.provisioners {
		p, err := decodeProvisioner(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("provisioner %d: %s", i+1, err))
			continue
		}
		p.Where = "provisioners." + strconv.Itoa(i)
		t.Provisioners = append(t.Provisioners, p)
	}

	if r.cleanupProvisioner != nil {
		p, err := decodeProvisioner(r.cleanupProvisioner)
		if err != nil {
			//lint:ignore ST1005 Packer's wording, kept for compatibility
			errs = append(errs, fmt.Errorf("On Error Cleanup Provisioner error: %s", err))
		} else {
			p.Where = "error-cleanup-provisioner"
		}
		t.CleanupProvisioner = p
	}

	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

func decodeBuilder(raw any) (*Builder, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("'' expected a map, got '%s'", kindName(raw))
	}
	var errs decodeError
	b := &Builder{}
	if k, ok := matchKey(m, "name", nil); ok {
		b.Name = decodeString("Name", m[k], true, &errs)
	}
	if k, ok := matchKey(m, "type", nil); ok {
		b.Type = decodeString("Type", m[k], true, &errs)
	}
	if err := errs.errOf(); err != nil {
		return nil, err
	}
	b.Config = without(m, "name", "type")
	return b, nil
}

// parsePostProcessorChain turns one entry of "post-processors" (a type
// name, an object, or a list of those) into the chain's configurations.
func parsePostProcessorChain(i int, raw any) ([]map[string]any, error) {
	switch v := raw.(type) {
	case string:
		return []map[string]any{{"type": v}}, nil
	case map[string]any:
		return []map[string]any{v}, nil
	case []any:
		var errs multiError
		out := make([]map[string]any, len(v))
		for j, inner := range v {
			switch iv := inner.(type) {
			case string:
				out[j] = map[string]any{"type": iv}
			case map[string]any:
				out[j] = iv
			case []any:
				errs = append(errs, fmt.Errorf("post-processor %d.%d: sequence not allowed to be nested in a sequence", i+1, j+1))
			default:
				errs = append(errs, fmt.Errorf("post-processor %d.%d: unknown format", i+1, j+1))
			}
		}
		if len(errs) > 0 {
			return nil, errs
		}
		return out, nil
	}
	return nil, fmt.Errorf("post-processor %d: bad format", i+1)
}

func decodePostProcessor(m map[string]any) (*PostProcessor, error) {
	var errs decodeError
	pp := &PostProcessor{}
	for _, f := range []string{"only", "except", "name", "type", "keep_input_artifact"} {
		k, ok := matchKey(m, f, nil)
		if !ok {
			continue
		}
		v := m[k]
		switch f {
		case "only":
			pp.Only = decodeStrings("Only", v, false, &errs)
		case "except":
			pp.Except = decodeStrings("Except", v, false, &errs)
		case "name":
			pp.Name = decodeString("Name", v, false, &errs)
		case "type":
			pp.Type = decodeString("Type", v, false, &errs)
		case "keep_input_artifact":
			pp.KeepInputArtifact = decodeBoolPtr("keep_input_artifact", v, &errs)
		}
	}
	if err := errs.errOf(); err != nil {
		return nil, err
	}
	if pp.Name == "" {
		pp.Name = pp.Type
	}
	pp.Config = without(m, "except", "only", "keep_input_artifact", "type", "name")
	return pp, nil
}

func decodeProvisioner(raw any) (*Provisioner, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Error decoding provisioner: '' expected a map, got '%s'", kindName(raw))
	}
	var errs decodeError
	p := &Provisioner{}
	for _, f := range []string{"only", "except", "type", "override", "pause_before", "max_retries", "timeout"} {
		k, ok := matchKey(m, f, nil)
		if !ok {
			continue
		}
		v := m[k]
		switch f {
		case "only":
			p.Only = decodeStrings("Only", v, true, &errs)
		case "except":
			p.Except = decodeStrings("Except", v, true, &errs)
		case "type":
			p.Type = decodeString("Type", v, true, &errs)
		case "override":
			p.Override = decodeMap("Override", v, true, &errs)
		case "pause_before":
			p.PauseBefore = decodeDuration("pause_before", v, &errs)
		case "max_retries":
			p.MaxRetries = decodeString("max_retries", v, true, &errs)
		case "timeout":
			p.Timeout = decodeDuration("timeout", v, &errs)
		}
	}
	if err := errs.errOf(); err != nil {
		return nil, fmt.Errorf("Error decoding provisioner: %w", err)
	}
	if p.Type == "" {
		return nil, errors.New("Provisioner missing 'type'")
	}
	p.Config = without(m, "except", "only", "override", "pause_before", "max_retries", "type", "timeout")
	return p, nil
}

// without returns a copy of m without keys, or nil when nothing is left.
func without(m map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Validate checks what Packer checks once a template is parsed: at least
// one builder, only/except and override keys that name builders.
func (t *Template) Validate() error {
	var errs multiError
	if len(t.Builders) == 0 {
		errs = append(errs, errors.New("at least one builder must be defined"))
	}
	for i, p := range t.Provisioners {
		for _, e := range p.OnlyExcept.validate(t) {
			errs = append(errs, fmt.Errorf("provisioner %d: %s", i+1, e))
		}
		for _, name := range sortedKeys(p.Override) {
			if _, ok := t.Builders[name]; !ok {
				errs = append(errs, fmt.Errorf("provisioner %d: override '%s' doesn't exist", i+1, name))
			}
		}
	}
	for i, chain := range t.PostProcessors {
		for j, pp := range chain {
			for _, e := range pp.OnlyExcept.validate(t) {
				errs = append(errs, fmt.Errorf("post-processor %d.%d: %s", i+1, j+1, e))
			}
		}
	}
	return errs.errOrNil()
}
