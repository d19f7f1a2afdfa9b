package interpolate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode"
)

// RenderPartial renders what s can render now and keeps, as written, every
// action that refers to data ctx.Data does not hold yet: a {{ .Vars }}
// a component fills later, or a {{ .Host }} whose generated value is still
// a placeholder. {{ build `Host` }} on a placeholder renders {{.Host}}, as
// in Packer. This is how kiln interpolates a JSON template's component
// configuration once for the whole configuration, where Packer lets each
// component interpolate its own fields and exclude some.
//
// Errors are text/template's, as Packer reports them.
func RenderPartial(s string, ctx *Context) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	// Parse the whole string first, so that syntax errors and unknown
	// functions are reported exactly as Packer reports them.
	if err := Validate(s, ctx); err != nil {
		return "", err
	}
	segs, ok := splitActions(s)
	if !ok {
		return RenderOnce(s, ctx)
	}
	data := ctx.data()
	out := make([]piece, 0, len(segs))
	trimNext := false
	for _, sg := range segs {
		if !sg.action {
			text := sg.text
			if trimNext {
				text = strings.TrimLeftFunc(text, unicode.IsSpace)
			}
			trimNext = false
			out = append(out, piece{text: text, isText: true})
			continue
		}
		trimNext = false
		t, err := template.New("root").Funcs(Funcs(ctx)).Parse(sg.text)
		if err != nil {
			// An action that only parses in context (a variable set by
			// an earlier action): render the whole string instead.
			return RenderOnce(s, ctx)
		}
		if !resolvable(t.Tree.Root, data) {
			out = append(out, piece{text: sg.text})
			continue
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		if sg.trimLeft && len(out) > 0 && out[len(out)-1].isText {
			out[len(out)-1].text = strings.TrimRightFunc(out[len(out)-1].text, unicode.IsSpace)
		}
		trimNext = sg.trimRight
		out = append(out, piece{text: buf.String()})
	}
	var b strings.Builder
	for _, p := range out {
		b.WriteString(p.text)
	}
	return b.String(), nil
}

type piece struct {
	text   string
	isText bool
}

// segment is a run of text, or one action with any control structure it
// opens, up to its {{ end }}.
type segment struct {
	text      string
	action    bool
	trimLeft  bool
	trimRight bool
}

// splitActions cuts s into text and top-level actions. It reports false
// for what it does not handle (define/block, unbalanced structures).
func splitActions(s string) ([]segment, bool) {
	var segs []segment
	depth := 0
	start := 0 // start of the current top-level action
	i := 0
	for {
		idx := strings.Index(s[i:], "{{")
		if idx < 0 {
			if depth != 0 {
				return nil, false
			}
			if i < len(s) {
				segs = append(segs, segment{text: s[i:]})
			}
			return segs, true
		}
		open := i + idx
		if depth == 0 && open > i {
			segs = append(segs, segment{text: s[i:open]})
		}
		end, word, tl, tr, ok := scanAction(s, open)
		if !ok {
			return nil, false
		}
		if depth == 0 {
			start = open
			segs = append(segs, segment{action: true, trimLeft: tl})
		}
		switch word {
		case "if", "range", "with":
			depth++
		case "end":
			depth--
			if depth < 0 {
				return nil, false
			}
		case "define", "block", "template", "break", "continue":
			return nil, false
		}
		if depth == 0 {
			last := &segs[len(segs)-1]
			last.text = s[start:end]
			last.trimRight = tr
		}
		i = end
	}
}

// scanAction reads the action opening at s[open:] ("{{") and returns the
// offset just past its "}}", its first word, and its trim markers.
func scanAction(s string, open int) (end int, word string, trimLeft, trimRight, ok bool) {
	j := open + 2
	if j+1 < len(s) && s[j] == '-' && isSpace(s[j+1]) {
		trimLeft = true
		j++
	}
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if strings.HasPrefix(s[j:], "/*") {
		c := strings.Index(s[j+2:], "*/")
		if c < 0 {
			return 0, "", false, false, false
		}
		j += 2 + c + 2
		e := strings.Index(s[j:], "}}")
		if e < 0 {
			return 0, "", false, false, false
		}
		k := j + e
		trimRight = k >= 2 && s[k-1] == '-' && isSpace(s[k-2])
		return k + 2, "", trimLeft, trimRight, true
	}
	w := j
	for w < len(s) && (s[w] >= 'a' && s[w] <= 'z') {
		w++
	}
	if w == len(s) || !isWordEnd(s[w]) {
		word = ""
	} else {
		word = s[j:w]
	}
	for j < len(s) {
		switch c := s[j]; c {
		case '"', '\'':
			j++
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j++
		case '`':
			e := strings.IndexByte(s[j+1:], '`')
			if e < 0 {
				return 0, "", false, false, false
			}
			j += e + 2
		case '}':
			if j+1 < len(s) && s[j+1] == '}' {
				trimRight = j >= 2 && s[j-1] == '-' && isSpace(s[j-2])
				return j + 2, word, trimLeft, trimRight, true
			}
			j++
		default:
			j++
		}
	}
	return 0, "", false, false, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isWordEnd(c byte) bool { return isSpace(c) || c == '}' || c == '-' || c == '(' }

// resolvable reports whether every reference n makes to the dot value can
// be answered from data now.
func resolvable(n parse.Node, data any) bool {
	ok := true
	walk(n, func(n parse.Node) bool {
		switch x := n.(type) {
		case *parse.FieldNode:
			if !hasField(data, x.Ident[0]) {
				ok = false
			}
		case *parse.DotNode, *parse.ChainNode, *parse.TemplateNode:
			if !fullData(data) {
				ok = false
			}
		case *parse.VariableNode:
			if x.Ident[0] == "$" {
				if len(x.Ident) == 1 && !fullData(data) {
					ok = false
				}
				if len(x.Ident) > 1 && !hasField(data, x.Ident[1]) {
					ok = false
				}
			}
		case *parse.RangeNode, *parse.WithNode:
			// The body sees another dot: it is answerable when the
			// value it iterates over or enters is.
			var pipe *parse.PipeNode
			if r, isRange := x.(*parse.RangeNode); isRange {
				pipe = r.Pipe
			} else {
				pipe = x.(*parse.WithNode).Pipe
			}
			if !resolvable(pipe, data) {
				ok = false
			}
			return false
		}
		return ok
	})
	return ok
}

// fullData reports whether data is a value any reference can be asked of:
// anything but nothing and the maps generated data comes in.
func fullData(data any) bool {
	switch data.(type) {
	case nil, map[string]any, map[string]string, map[any]any:
		return false
	}
	return true
}

// hasField reports whether data answers .name with a real value (not a
// generated-data placeholder).
func hasField(data any, name string) bool {
	var v any
	var found bool
	switch d := data.(type) {
	case nil:
		return false
	case map[string]any:
		v, found = d[name]
	case map[string]string:
		v, found = d[name]
	case map[any]any:
		v, found = d[name]
	default:
		return true
	}
	return found && !IsPlaceholder(v)
}

// walk calls f on n and, while f returns true, on its descendants.
func walk(n parse.Node, f func(parse.Node) bool) {
	if n == nil {
		return
	}
	if !f(n) {
		return
	}
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walk(c, f)
		}
	case *parse.ActionNode:
		walk(x.Pipe, f)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walk(c, f)
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walk(a, f)
		}
	case *parse.ChainNode:
		walk(x.Node, f)
	case *parse.IfNode:
		walk(x.Pipe, f)
		walk(x.List, f)
		if x.ElseList != nil {
			walk(x.ElseList, f)
		}
	}
}

// RenderValue renders every string of v (map keys included) with
// RenderPartial and returns the rendered copy; v is not modified. Numbers,
// booleans and nil are kept. An error names the key it happened under,
// as Packer's "render 'key': ..." messages do.
func RenderValue(v any, ctx *Context) (any, error) {
	switch x := v.(type) {
	case string:
		out, err := RenderPartial(x, ctx)
		if err != nil {
			return nil, fmt.Errorf("%w in:\n\n%s", err, x)
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rk, err := RenderValue(k, ctx)
			if err != nil {
				return nil, err
			}
			rv, err := RenderValue(x[k], ctx)
			if err != nil {
				return nil, err
			}
			out[rk.(string)] = rv
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := RenderValue(e, ctx)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			r, err := RenderPartial(e, ctx)
			if err != nil {
				return nil, fmt.Errorf("%w in:\n\n%s", err, e)
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// RenderMap renders a component configuration as Packer does for each
// top-level key: every template under it is checked first ("invalid
// 'key': ..."), then rendered ("render 'key': ..."). Top-level keys are
// kept as written; nested keys are rendered.
func RenderMap(m map[string]any, ctx *Context) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for _, k := range sortedKeys(m) {
		if err := validateValue(m[k], ctx); err != nil {
			return nil, fmt.Errorf("invalid '%s': %w", k, err)
		}
		rv, err := RenderValue(m[k], ctx)
		if err != nil {
			return nil, fmt.Errorf("render '%s': %w", k, err)
		}
		out[k] = rv
	}
	return out, nil
}

// validateValue checks every string of v (map keys included) is a valid
// template.
func validateValue(v any, ctx *Context) error {
	switch x := v.(type) {
	case string:
		if err := Validate(x, ctx); err != nil {
			return fmt.Errorf("%w in:\n\n%s", err, x)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if err := validateValue(k, ctx); err != nil {
				return err
			}
			if err := validateValue(x[k], ctx); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := validateValue(e, ctx); err != nil {
				return err
			}
		}
	case []string:
		for _, e := range x {
			if err := validateValue(e, ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
