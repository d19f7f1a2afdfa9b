package hcl2

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/template"
)

// ConsoleHelp is what the console prints for "help".
const ConsoleHelp = `kiln console, HCL2 mode.
The console evaluates HCL2 expressions against the template it was started
with: its variables, locals and every function templates can call.

Type an expression and press enter to see its value, for example
"upper(var.foo)" or "local.tags".

"variables" prints every variable and local with its value.

To exit, type "exit" and press enter, or use Control-C.

Go template interpolation like "{{timestamp}}" is not available in HCL2 mode.`

// Console evaluates expressions against a loaded template, as `packer
// console` does.
type Console struct {
	l    *loader
	ectx *hcl.EvalContext
}

// NewConsole loads the template at path (none when path is empty) for the
// console: parse errors are returned, later ones ignored; data sources
// are not available, as in Packer.
func NewConsole(ctx context.Context, path string, opts template.Options) (*Console, *template.Template, hcl.Diagnostics) {
	opts.SyntaxOnly = false
	opts.EvaluateDatasources = false
	l := newLoader(ctx, path, opts)
	t := &template.Template{Kind: template.HCL2, Path: path, Files: l.parser.Files()}
	if path == "" {
		l.variables = newVariables(l.getenv)
	} else {
		diags := l.parse()
		if diags.HasErrors() {
			return nil, t, diags
		}
		_ = l.initialize()
		t.Sensitive = l.secrets
	}
	ectx := l.baseContext()
	ectx.Variables["local"] = cty.ObjectVal(l.localVals)
	return &Console{l: l, ectx: ectx}, t, nil
}

// Eval evaluates one line of input: an expression, or "help", "exit" or
// "variables". It returns the text to print and whether to exit.
func (c *Console) Eval(line string) (string, bool, hcl.Diagnostics) {
	switch line = strings.TrimSpace(line); line {
	case "":
		return "", false, nil
	case "exit":
		return "", true, nil
	case "help":
		return ConsoleHelp, false, nil
	case "variables":
		return c.variables(), false, nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(line), "<console-input>", hcl.InitialPos)
	if diags.HasErrors() {
		return "", false, diags
	}
	v, diags := expr.Value(c.ectx)
	if diags.HasErrors() {
		return "", false, diags
	}
	return printable(v), false, diags
}

func (c *Console) variables() string {
	var b strings.Builder
	b.WriteString("> input-variables:\n\n")
	vars := append([]*variable(nil), c.l.variables.order...)
	sort.Slice(vars, func(i, j int) bool { return vars[i].name < vars[j].name })
	for _, v := range vars {
		b.WriteString("var." + v.name + ": " + quote(printable(v.value())) + "\n")
	}
	b.WriteString("\n> local-variables:\n\n")
	names := make([]string, 0, len(c.l.localVals))
	for n := range c.l.localVals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString("local." + n + ": " + quote(printable(c.l.localVals[n])) + "\n")
	}
	return b.String()
}
