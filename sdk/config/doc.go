// Package config decodes component configuration from one source of truth:
// a Go struct whose fields carry `mapstructure` tags.
//
// The same struct serves both template kinds. For HCL2 templates, Spec
// derives the hcldec.ObjectSpec a component returns from ConfigSpec, by
// reflection at run time and cached per type, so hcldec reports unknown and
// mistyped attributes with their source ranges. For legacy JSON templates,
// and for the packer_* settings core injects, Decode merges the raw values
// (cty objects produced by hcldec with that spec, or map[string]any) and
// decodes them into the struct with mapstructure's weak typing, reporting
// problems as *FieldError values that name the offending key. Diagnostics
// turns those errors back into located hcl.Diagnostics when the
// configuration came from an HCL body.
//
// Struct rules, shared by Spec and Decode:
//
//   - the key of a field is the name in its `mapstructure` tag, matched
//     case-sensitively; fields tagged "-", untagged fields and unexported
//     fields are ignored;
//   - a field tagged `mapstructure:",squash"` (an embedded or named struct,
//     or pointer to one) has its keys flattened into the parent;
//   - strings, numbers and bools map to cty.String, cty.Number and
//     cty.Bool; time.Duration maps to cty.String and is written "90s",
//     "5m" or "1h30m" (a bare number is an error, where Packer would
//     silently read nanoseconds);
//   - slices and arrays of values map to cty.List, map[string]T to
//     cty.Map; interface fields, and containers of them, accept any value
//     (cty.DynamicPseudoType);
//   - a struct or *struct field is a nested block, []struct or []*struct a
//     repeated block, and map[string]struct (or *struct) a block with one
//     label, "name";
//   - a field tagged `required:"true"` must be set: a required attribute or
//     block in the spec, a block list needing at least one block, and a
//     check Decode performs after merging all raws;
//   - a type implementing HCLTyper (on its value or pointer receiver) is an
//     attribute of the cty type it reports, whatever its Go kind; it
//     usually also implements mapstructure.Unmarshaler.
//
// The package knows nothing of template engines: JSON-template
// interpolation is plugged in through DecodeOpts.Interpolate.
package config
