package legacy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	hcljson "github.com/hashicorp/hcl/v2/json"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/ui"
)

// ParseFailedSummary is the first line Packer prints when a file cannot be
// read as a legacy JSON template.
const ParseFailedSummary = "Failed to parse file as legacy JSON template: if you are using an HCL " +
	"template, check your file extensions; they should be either *.pkr.hcl or *.pkr.json; " +
	"see the docs for more details: https://www.packer.io/docs/templates/hcl_templates."

// Load reads the JSON template at path and, unless opts.SyntaxOnly,
// prepares the selected builds.
//
// Like Packer, a syntax-only load parses the template and reads the
// -var-file files; a full load also validates the template, renders the
// user variables (registering sensitive ones with ui.DefaultScrubber) and
// prepares every component of every selected build. Builds that fail are
// reported and left out of the result.
func Load(ctx context.Context, path string, opts template.Options) (*template.Template, hcl.Diagnostics) {
	c, files, diags := LoadConfig(path, opts)
	out := &template.Template{Kind: template.JSON, Path: path, Files: files}
	if diags.HasErrors() || opts.SyntaxOnly {
		return out, diags
	}

	if err := c.Initialize(); err != nil {
		return out, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Detail: err.Error()})
	}
	ui.DefaultScrubber.Add(c.Secrets...)

	builds, bdiags := c.GetBuilds(ctx, BuildOptions{
		Only:     opts.Only,
		Except:   opts.Except,
		Debug:    opts.Debug,
		Force:    opts.Force,
		OnError:  opts.OnError,
		Registry: opts.Components(),
	})
	out.Builds = builds
	return out, append(diags, bdiags...)
}

// LoadConfig parses the template at path and reads the command-line
// variables of opts (var files, then -var), as Packer does before anything
// else; commands that work on the template itself (inspect, console)
// start here. files holds the source, by path, for printing diagnostics.
func LoadConfig(path string, opts template.Options) (c *Config, files map[string]*hcl.File, diags hcl.Diagnostics) {
	files = map[string]*hcl.File{}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, files, hcl.Diagnostics{parseDiag(path, nil, err)}
	}
	files[path] = &hcl.File{Body: hcl.EmptyBody(), Bytes: src}
	t, err := Parse(src)
	if err != nil {
		return nil, files, hcl.Diagnostics{parseDiag(path, src, err)}
	}
	if abs, err := filepath.Abs(path); err == nil {
		t.Path = abs
	}
	vars := map[string]string{}
	for _, f := range opts.VarFiles {
		fv, err := ReadVarFile(f)
		if err != nil {
			return nil, files, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: err.Error()}}
		}
		for k, v := range fv {
			vars[k] = v
		}
	}
	for _, v := range opts.Vars {
		vars[v.Key] = v.Value
	}
	c = NewConfig(t, vars)
	c.Getenv = opts.Env()
	c.File = path
	return c, files, nil
}

// parseDiag reports a template that cannot be parsed, with Packer's text;
// a JSON syntax error points at its place in src.
func parseDiag(path string, src []byte, err error) *hcl.Diagnostic {
	d := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  ParseFailedSummary,
		Detail:   "Original error: " + strings.TrimRight(err.Error(), "\n"),
	}
	var se *SyntaxError
	if errors.As(err, &se) && src != nil {
		r := byteRange(path, src, int(se.Err.Offset))
		d.Subject = &r
	}
	var uk *UnknownKeyError
	if errors.As(err, &uk) && src != nil {
		if r, ok := rootKeyRange(path, src, uk.Key); ok {
			d.Subject = &r
		}
	}
	return d
}

// rootKeyRange is where the root-level key of a JSON template is.
func rootKeyRange(path string, src []byte, key string) (hcl.Range, bool) {
	f, diags := hcljson.Parse(src, path)
	if diags.HasErrors() {
		return hcl.Range{}, false
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return hcl.Range{}, false
	}
	attr, ok := attrs[key]
	if !ok {
		return hcl.Range{}, false
	}
	return attr.NameRange, true
}

// byteRange is the range of the byte before offset (where encoding/json
// stopped), as an hcl.Range into src.
func byteRange(path string, src []byte, offset int) hcl.Range {
	at := max(min(offset, len(src))-1, 0)
	return rangeOf(path, src, at, min(at+1, len(src)))
}
