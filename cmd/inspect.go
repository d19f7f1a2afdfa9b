package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
	"github.com/kilnbuild/kiln/template/legacy"
	"github.com/kilnbuild/kiln/ui"
)

// InspectOptions are the flags and argument of `kiln inspect`.
type InspectOptions struct {
	MetaOptions
	Template                string
	UseSequentialEvaluation bool
	JSON                    bool
}

func newInspectCmd(f *Factory) *cobra.Command {
	return newInspectCmdWith(f, runInspect)
}

func newInspectCmdWith(f *Factory, run func(context.Context, *Factory, *InspectOptions) error) *cobra.Command {
	o := &InspectOptions{}
	c := &cobra.Command{
		Use:   "inspect [options] TEMPLATE",
		Short: "see components of a template",
		Long: `Inspects a template, parsing and outputting the components a template
defines. This does not validate the contents of a template (other than
basic syntax by necessity).

With -json the inspection is printed as one JSON document (a kiln
extension; see docs/commands.md for its schema).`,
		Args: templateArgs("TEMPLATE"),
		RunE: func(c *cobra.Command, args []string) error {
			o.Template = args[0]
			return run(c.Context(), f, o)
		},
	}
	fs := c.Flags()
	addOnlyExceptFlags(fs, &o.MetaOptions, "Inspect all builds other than these.")
	fs.Lookup("only").Usage = "Inspect only these builds."
	addVarFlags(fs, &o.MetaOptions)
	fs.BoolVar(&o.UseSequentialEvaluation, "use-sequential-evaluation", false, "Fallback to using a sequential approach for local/datasource evaluation.")
	fs.BoolVar(&o.JSON, "json", false, "Print the inspection as JSON (a kiln extension).")
	addMachineReadableFlag(fs)
	return c
}

// runInspect prints the components of a template as Packer does, or as
// JSON with -json.
func runInspect(ctx context.Context, f *Factory, o *InspectOptions) error {
	kind, err := template.DetectKind(o.Template, o.ConfigType)
	if err != nil {
		return err
	}
	opts := f.loadOptions(o.MetaOptions)
	if kind == template.JSON {
		return inspectJSONTemplate(f, o, opts)
	}
	if o.JSON {
		t, in, diags := hcl2.InspectData(ctx, o.Template, opts)
		if f.writeDiags(t, diags, false) {
			return &exitStatus{code: exitError}
		}
		return f.writeJSON(hcl2Inspection(o.Template, in))
	}
	t, text, diags := hcl2.Inspect(ctx, o.Template, opts)
	if f.writeDiags(t, diags, false) {
		return &exitStatus{code: exitError}
	}
	f.Ui(uiOptions{}).Say(strings.TrimSuffix(text, "\n"))
	return nil
}

// inspectJSONTemplate inspects a legacy JSON template: parse errors stop
// it; errors rendering the variables do not, as in Packer.
func inspectJSONTemplate(f *Factory, o *InspectOptions, opts template.Options) error {
	c, files, diags := legacy.LoadConfig(o.Template, opts)
	t := &template.Template{Kind: template.JSON, Path: o.Template, Files: files}
	if f.writeDiags(t, diags, false) {
		return &exitStatus{code: exitError}
	}
	rendered := c.Initialize() == nil
	ui.DefaultScrubber.Add(c.Secrets...)
	if o.JSON {
		return f.writeJSON(legacyInspection(o.Template, c, rendered))
	}
	c.Template.Inspect(f.Ui(uiOptions{}))
	return nil
}

// inspection is the document `inspect -json` prints. Its schema is
// documented in docs/commands.md; fields are only ever added.
type inspection struct {
	Format      string           `json:"format"`
	Path        string           `json:"path"`
	Description string           `json:"description,omitempty"`
	Variables   []inspectedValue `json:"variables"`
	Locals      []inspectedValue `json:"locals,omitempty"`
	Builds      []inspectedBuild `json:"builds"`
}

type inspectedValue struct {
	Name string `json:"name"`
	// Value is the value, omitted when unknown or sensitive.
	Value json.RawMessage `json:"value,omitempty"`
	// Default is a JSON template variable's default as written.
	Default   *string `json:"default,omitempty"`
	Known     bool    `json:"known"`
	Required  bool    `json:"required,omitempty"`
	Sensitive bool    `json:"sensitive,omitempty"`
}

type inspectedBuild struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Type is a JSON template builder's type.
	Type string `json:"type,omitempty"`
	// Sources are an HCL2 build's sources, "type.name".
	Sources        []string   `json:"sources,omitempty"`
	Provisioners   []string   `json:"provisioners"`
	PostProcessors [][]string `json:"post_processors"`
}

func hcl2Inspection(path string, in *hcl2.Inspection) *inspection {
	out := &inspection{Format: "hcl2", Path: path, Variables: []inspectedValue{}, Builds: []inspectedBuild{}}
	conv := func(v hcl2.InspectedValue) inspectedValue {
		iv := inspectedValue{Name: v.Name, Known: v.Known(), Sensitive: v.Sensitive}
		if iv.Known && !iv.Sensitive {
			iv.Value = ctyJSON(v.Value)
		}
		return iv
	}
	for _, v := range in.Variables {
		out.Variables = append(out.Variables, conv(v))
	}
	for _, v := range in.Locals {
		out.Locals = append(out.Locals, conv(v))
	}
	for _, b := range in.Builds {
		out.Builds = append(out.Builds, inspectedBuild{
			Name:           b.Name,
			Description:    b.Description,
			Sources:        b.Sources,
			Provisioners:   orEmpty(b.Provisioners),
			PostProcessors: orEmptyChains(b.PostProcessors),
		})
	}
	return out
}

func legacyInspection(path string, c *legacy.Config, rendered bool) *inspection {
	out := &inspection{Format: "json", Path: path, Description: c.Template.Description, Variables: []inspectedValue{}, Builds: []inspectedBuild{}}
	for _, v := range c.Template.InspectedVariables() {
		iv := inspectedValue{Name: v.Name, Required: v.Required, Sensitive: v.Sensitive}
		if !v.Required && !v.Sensitive {
			d := ui.DefaultScrubber.Scrub(v.Default)
			iv.Default = &d
		}
		if val, ok := c.Variables[v.Name]; ok && rendered {
			iv.Known = true
			if !v.Sensitive {
				iv.Value, _ = json.Marshal(ui.DefaultScrubber.Scrub(val))
			}
		}
		out.Variables = append(out.Variables, iv)
	}
	for _, b := range c.Template.InspectedBuilds() {
		out.Builds = append(out.Builds, inspectedBuild{
			Name:           b.Name,
			Type:           b.Type,
			Provisioners:   orEmpty(b.Provisioners),
			PostProcessors: orEmptyChains(b.PostProcessors),
		})
	}
	return out
}

// ctyJSON encodes a known value as plain JSON, sensitive strings in it
// replaced.
func ctyJSON(v cty.Value) json.RawMessage {
	v, err := cty.Transform(v, func(_ cty.Path, x cty.Value) (cty.Value, error) {
		if x.Type() == cty.String && x.IsKnown() && !x.IsNull() {
			return cty.StringVal(ui.DefaultScrubber.Scrub(x.AsString())), nil
		}
		return x, nil
	})
	if err != nil {
		return nil
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil
	}
	return b
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orEmptyChains(s [][]string) [][]string {
	if s == nil {
		return [][]string{}
	}
	return s
}

// writeJSON prints v as indented JSON on standard output.
func (f *Factory) writeJSON(v any) error {
	enc := json.NewEncoder(f.IO.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
