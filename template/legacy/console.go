package legacy

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/sdk/interpolate"
	"github.com/kilnbuild/kiln/template"
)

// ConsoleHelp is what the console prints for "help" in JSON mode.
const ConsoleHelp = `kiln console, JSON mode.
The console renders Go template interpolations ("{{ ... }}") against the
legacy JSON template it was started with, using its user variables.

Type a string with interpolations and press enter to see it rendered, for
example "{{user ` + "`name`" + `}}" or "{{timestamp}}".

"variables" prints every user variable with its value.

To exit, type "exit" and press enter, or use Control-C.

To evaluate HCL2 expressions without a template, start the console with
-config-type=hcl2.`

// minimalTemplate is what the console loads when no template is given: a
// single null builder, as Packer does.
const minimalTemplate = `{"builders": [{"type": "null", "communicator": "none"}]}`

// Console renders {{ }} interpolations against a JSON template, as `packer
// console` does in JSON mode.
type Console struct {
	c *Config
}

// NewConsole loads the JSON template at path for the console (a minimal
// template when path is empty) with the command-line variables of opts,
// and renders its user variables. Parse errors are returned; later ones
// (a required variable not set, for instance) are ignored, as in Packer:
// the console then sees the variables it could render.
func NewConsole(path string, opts template.Options) (*Console, *template.Template, hcl.Diagnostics) {
	var (
		c     *Config
		files map[string]*hcl.File
		diags hcl.Diagnostics
	)
	if path == "" {
		t, err := Parse([]byte(minimalTemplate))
		if err != nil {
			return nil, nil, hcl.Diagnostics{parseDiag("", nil, err)}
		}
		vars, more := commandLineVars(opts)
		if more.HasErrors() {
			return nil, nil, more
		}
		c = NewConfig(t, vars)
		c.Getenv = opts.Env()
	} else {
		c, files, diags = LoadConfig(path, opts)
		if diags.HasErrors() {
			return nil, &template.Template{Kind: template.JSON, Path: path, Files: files}, diags
		}
	}
	_ = c.Initialize()
	t := &template.Template{Kind: template.JSON, Path: path, Files: files, Sensitive: c.Secrets}
	return &Console{c: c}, t, diags
}

// commandLineVars reads the -var-file files, then the -var values.
func commandLineVars(opts template.Options) (map[string]string, hcl.Diagnostics) {
	vars := map[string]string{}
	for _, f := range opts.VarFiles {
		fv, err := ReadVarFile(f)
		if err != nil {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: err.Error()}}
		}
		for k, v := range fv {
			vars[k] = v
		}
	}
	for _, v := range opts.Vars {
		vars[v.Key] = v.Value
	}
	return vars, nil
}

// Eval handles one line of input: "exit", "help", "variables", or a string
// to render. It returns the text to print and whether to exit. A string
// that fails to render gives an "Interpolation error" diagnostic; in
// Packer it does not change the console's exit status (see
// ErrorsFail).
func (c *Console) Eval(line string) (string, bool, hcl.Diagnostics) {
	switch line {
	case "":
		return "", false, nil
	case "exit":
		return "", true, nil
	case "help":
		return ConsoleHelp, false, nil
	case "variables":
		return c.variables(), false, nil
	}
	out, err := interpolate.Render(line, c.c.context())
	if err != nil {
		return out, false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Interpolation error",
			Detail:   err.Error(),
		}}
	}
	return out, false, nil
}

// ErrorsFail reports whether evaluation errors make the console exit 1
// when its input is piped: not in JSON mode, as in Packer.
func (c *Console) ErrorsFail() bool { return false }

// variables lists the user variables as "name: value," lines after an
// empty one, as Packer does, sorted by name (Packer's order is random).
func (c *Console) variables() string {
	names := make([]string, 0, len(c.c.Variables))
	for n := range c.c.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("\n")
	for _, n := range names {
		b.WriteString(n + ": " + c.c.Variables[n] + ",\n")
	}
	return b.String()
}
