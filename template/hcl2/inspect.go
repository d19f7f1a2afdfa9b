package hcl2

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/template"
)

// Inspect loads the template at path as `packer inspect` does: parse
// errors are returned, later ones ignored, and data sources executed. It
// returns Packer's HCL2 inspection text: the input variables and locals
// with their values, then each build's sources, provisioners and
// post-processors.
func Inspect(ctx context.Context, path string, opts template.Options) (*template.Template, string, hcl.Diagnostics) {
	t, in, diags := InspectData(ctx, path, opts)
	if in == nil {
		return t, "", diags
	}
	return t, in.text(), diags
}

// text is Packer's HCL2 inspection text of in.
func (in *Inspection) text() string {
	var b strings.Builder
	b.WriteString("Packer Inspect: HCL2 mode\n\n")
	b.WriteString("> input-variables:\n\n")
	for _, v := range in.Variables {
		fmt.Fprintf(&b, "var.%s: %s\n", v.Name, quote(printable(v.Value)))
	}
	b.WriteString("\n> local-variables:\n\n")
	for _, v := range in.Locals {
		fmt.Fprintf(&b, "local.%s: %s\n", v.Name, quote(printable(v.Value)))
	}
	b.WriteString("\n> builds:\n")
	for i, bd := range in.Builds {
		name := bd.Name
		if name == "" {
			name = fmt.Sprintf("<unnamed build %d>", i)
		}
		fmt.Fprintf(&b, "\n  > %s:\n", name)
		if bd.Description != "" {
			fmt.Fprintf(&b, "\n  > Description: %s\n", bd.Description)
		}
		b.WriteString("\n    sources:\n")
		if len(bd.Sources) == 0 {
			b.WriteString("\n      <no source>\n")
		}
		for _, s := range bd.Sources {
			fmt.Fprintf(&b, "\n      %s\n", s)
		}
		b.WriteString("\n    provisioners:\n\n")
		if len(bd.Provisioners) == 0 {
			b.WriteString("      <no provisioner>\n")
		}
		for _, p := range bd.Provisioners {
			fmt.Fprintf(&b, "      %s\n", p)
		}
		b.WriteString("\n    post-processors:\n")
		if len(bd.PostProcessors) == 0 {
			b.WriteString("\n      <no post-processor>\n")
		}
		for i, chain := range bd.PostProcessors {
			fmt.Fprintf(&b, "\n      %d:\n", i)
			for _, pp := range chain {
				fmt.Fprintf(&b, "        %s\n", pp)
			}
		}
	}
	b.WriteString("\n")
	return b.String()
}

func dotted(typ, name string) string {
	if name == "" {
		return typ
	}
	return typ + "." + name
}

// printable formats a value as Packer's inspect and console do: strings
// bare at the top level, lists and maps over several indented lines,
// "<unknown>" for values not known yet.
func printable(v cty.Value) string {
	if !v.IsWhollyKnown() {
		return "<unknown>"
	}
	return formatValue(v, false)
}

func formatValue(v cty.Value, nested bool) string {
	if v.IsNull() {
		return "null"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		if nested {
			return strconv.Quote(v.AsString())
		}
		return v.AsString()
	case ty == cty.Number:
		f := v.AsBigFloat()
		if i, acc := f.Int64(); acc == big.Exact {
			return strconv.FormatInt(i, 10)
		}
		x, _ := f.Float64()
		return strconv.FormatFloat(x, 'g', -1, 64)
	case ty == cty.Bool:
		return strconv.FormatBool(v.True())
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		var b strings.Builder
		b.WriteString("[")
		if v.LengthInt() > 0 {
			b.WriteString("\n")
		}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			b.WriteString(indent(formatValue(e, true)))
			b.WriteString(",\n")
		}
		b.WriteString("]")
		return b.String()
	case ty.IsMapType() || ty.IsObjectType():
		m := v.AsValueMap()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{")
		if len(keys) > 0 {
			b.WriteString("\n")
		}
		for _, k := range keys {
			b.WriteString(indent(strconv.Quote(k) + " = " + formatValue(m[k], true)))
			b.WriteString("\n")
		}
		b.WriteString("}")
		return b.String()
	}
	return "<unknown-type>"
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// quote quotes a printed value as Go's %q does.
func quote(s string) string { return strconv.Quote(s) }
