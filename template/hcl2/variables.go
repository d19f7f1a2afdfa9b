package hcl2

import (
	"fmt"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kilnbuild/kiln/template/funcs"
)

// badIdentifier is the detail of every "not a valid name" diagnostic.
const badIdentifier = "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes."

// envPrefix prefixes the environment variables that set input variables.
const envPrefix = "PKR_VAR_"

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "default"},
		{Name: "type"},
		{Name: "sensitive"},
		{Name: "nullable"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

// assignment is one value given to a variable, and where it came from
// (default, env, varfile, cmd).
type assignment struct {
	from  string
	value cty.Value
	expr  hcl.Expression
}

type validation struct {
	condition hcl.Expression
	message   string
	rng       hcl.Range
}

// variable is an input variable. Its value is the last of values.
type variable struct {
	name        string
	typ         cty.Type
	defaults    *typeexpr.Defaults
	description string
	sensitive   bool
	nullable    bool
	validations []*validation
	rng         hcl.Range
	values      []assignment
}

// value returns the variable's value, unknown when it has none.
func (v *variable) value() cty.Value {
	if len(v.values) == 0 {
		if v.typ == cty.NilType {
			return cty.DynamicVal
		}
		return cty.UnknownVal(v.typ)
	}
	return v.values[len(v.values)-1].value
}

// convert applies the variable's type (and optional attribute defaults)
// to a given value.
func (v *variable) convert(val cty.Value) (cty.Value, error) {
	if v.typ == cty.NilType || v.typ == cty.DynamicPseudoType {
		return val, nil
	}
	if v.defaults != nil && !val.IsNull() {
		val = v.defaults.Apply(val)
	}
	return convert.Convert(val, v.typ)
}

// variables are the template's input variables, in declaration order.
type variables struct {
	getenv func(string) string
	byName map[string]*variable
	order  []*variable
	obj    cty.Value
}

func newVariables(getenv func(string) string) *variables {
	return &variables{getenv: getenv, byName: map[string]*variable{}}
}

// object returns var.*, computed once all values are collected.
func (vs *variables) object() cty.Value {
	if vs.obj == cty.NilVal {
		m := make(map[string]cty.Value, len(vs.order))
		for _, v := range vs.order {
			m[v.name] = v.value()
		}
		vs.obj = cty.ObjectVal(m)
	}
	return vs.obj
}

// decode reads variable blocks and the attributes of variables blocks.
// Defaults are evaluated with env() as the only function and no
// variables.
func (vs *variables) decode(blocks, legacy []*hcl.Block) hcl.Diagnostics {
	ectx := &hcl.EvalContext{Functions: map[string]function.Function{"env": funcs.MakeEnvFunc(vs.getenv)}}
	// Blocks are decoded in parallel, then added in order.
	decoded := make([]*variable, len(blocks))
	blockDiags := make([]hcl.Diagnostics, len(blocks))
	inParallel(len(blocks), func(i int) {
		decoded[i], blockDiags[i] = decodeBlock(blocks[i], ectx)
	})
	var diags hcl.Diagnostics
	for i, b := range blocks {
		if _, dup := vs.byName[decoded[i].name]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate variable",
				Detail:   "Duplicate " + decoded[i].name + " variable definition found.",
				Subject:  b.DefRange.Ptr(),
			})
			continue
		}
		diags = append(diags, blockDiags[i]...)
		vs.add(decoded[i])
	}
	for _, b := range legacy {
		attrs, more := b.Body.JustAttributes()
		diags = append(diags, more...)
		for _, attr := range sortedAttributes(attrs) {
			if _, dup := vs.byName[attr.Name]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate variable",
					Detail:   "Duplicate " + attr.Name + " variable definition found.",
					Subject:  attr.NameRange.Ptr(),
				})
				continue
			}
			val, more := attr.Expr.Value(ectx)
			diags = append(diags, more...)
			if more.HasErrors() {
				continue
			}
			v := &variable{name: attr.Name, typ: val.Type(), nullable: true, rng: attr.Range,
				values: []assignment{{from: "default", value: val, expr: attr.Expr}}}
			vs.add(v)
		}
	}
	return diags
}

func (vs *variables) add(v *variable) {
	vs.byName[v.name] = v
	vs.order = append(vs.order, v)
}

// decodeBlock reads a variable block, its default evaluated in ectx.
func decodeBlock(b *hcl.Block, ectx *hcl.EvalContext) (*variable, hcl.Diagnostics) {
	name := b.Labels[0]
	content, diags := bodyContent(b.Body, variableSchema)
	if !validIdentifier(name) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid variable name",
			Detail:   badIdentifier,
			Subject:  b.LabelRanges[0].Ptr(),
		})
	}
	v := &variable{name: name, typ: cty.DynamicPseudoType, nullable: true, rng: b.DefRange}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.sensitive)...)
	}
	if attr, ok := content.Attributes["nullable"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.nullable)...)
	}
	typed := false
	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, more := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		diags = append(diags, more...)
		if more.HasErrors() {
			return v, diags
		}
		v.typ, v.defaults, typed = ty, defaults, true
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, more := attr.Expr.Value(ectx)
		diags = append(diags, more...)
		if !more.HasErrors() {
			conv, err := v.convert(val)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("This default value is not compatible with the variable's type constraint: %s.", err),
					Subject:  attr.Expr.Range().Ptr(),
				})
				conv = cty.DynamicVal
			}
			v.values = append(v.values, assignment{from: "default", value: conv, expr: attr.Expr})
			if !typed && !conv.Type().Equals(cty.EmptyObject) && !conv.Type().Equals(cty.EmptyTuple) {
				v.typ = conv.Type()
			}
		}
	}
	for _, vb := range content.Blocks {
		vv, more := decodeValidation(name, vb)
		diags = append(diags, more...)
		if vv != nil {
			v.validations = append(v.validations, vv)
		}
	}
	return v, diags
}

func decodeValidation(name string, b *hcl.Block) (*validation, hcl.Diagnostics) {
	content, diags := b.Body.Content(validationSchema)
	vv := &validation{rng: b.DefRange}
	if attr, ok := content.Attributes["condition"]; ok {
		vv.condition = attr.Expr
		good := 0
		for _, t := range attr.Expr.Variables() {
			if t.RootName() == "var" && len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == name {
					good++
					continue
				}
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference in variable validation",
				Detail:   fmt.Sprintf("The condition for variable %q can only refer to the variable itself, using var.%s.", name, name),
				Subject:  t.SourceRange().Ptr(),
			})
		}
		if good == 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid variable validation condition",
				Detail:   fmt.Sprintf("The condition for variable %q must refer to var.%s in order to test incoming values.", name, name),
				Subject:  attr.Expr.Range().Ptr(),
			})
		}
	}
	if attr, ok := content.Attributes["error_message"]; ok {
		more := gohcl.DecodeExpression(attr.Expr, nil, &vv.message)
		diags = append(diags, more...)
		if !more.HasErrors() && !looksLikeSentences(vv.message) {
			detail := "Validation error message must be at least one full sentence starting with an uppercase letter and ending with a period or question mark."
			if vv.message == "" {
				detail = "An empty string is not a valid nor useful error message."
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid validation error message",
				Detail:   detail,
				Subject:  attr.Expr.Range().Ptr(),
			})
		}
	}
	if vv.condition == nil {
		return nil, diags
	}
	return vv, diags
}

// looksLikeSentences tells whether s starts like a sentence (no lowercase
// letter first) and ends with ., ? or !.
func looksLikeSentences(s string) bool {
	r := []rune(trimSpace(s))
	if len(r) == 0 {
		return false
	}
	if unicode.IsLetter(r[0]) && !unicode.IsUpper(r[0]) {
		return false
	}
	last := r[len(r)-1]
	return last == '.' || last == '?' || last == '!'
}

func trimSpace(s string) string {
	start, end := 0, len(s)
	for start < end && unicode.IsSpace(rune(s[start])) {
		start++
	}
	for end > start && unicode.IsSpace(rune(s[end-1])) {
		end--
	}
	return s[start:end]
}

// literalInput tells whether a -var or PKR_VAR_ value of a variable of
// type ty is taken as a literal string rather than parsed as HCL.
func literalInput(ty cty.Type) bool {
	return ty == cty.String || ty == cty.Number || ty == cty.NilType || ty == cty.DynamicPseudoType
}

// inputExpr makes the expression of a value given as text.
func inputExpr(filename, value string, ty cty.Type) (hcl.Expression, hcl.Diagnostics) {
	if literalInput(ty) {
		return &hclsyntax.LiteralValueExpr{
			Val:      cty.StringVal(value),
			SrcRange: hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
		}, nil
	}
	return hclsyntax.ParseExpression([]byte(value), filename, hcl.InitialPos)
}

// collectValues assigns the values of PKR_VAR_ variables, variable files
// and -var flags, in that order of precedence (lowest first).
func (l *loader) collectValues() hcl.Diagnostics {
	vs := l.variables
	var diags hcl.Diagnostics
	invalid := func(name string, err error, rng hcl.Range) *hcl.Diagnostic {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("The value for %s is not compatible with the variable's type constraint: %s.", name, err),
			Subject:  rng.Ptr(),
		}
	}

	for _, v := range vs.order {
		raw := l.getenv(envPrefix + v.name)
		if raw == "" {
			continue
		}
		expr, more := inputExpr(fmt.Sprintf("<value for var.%s from env>", v.name), raw, v.typ)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		val, more := expr.Value(nil)
		diags = append(diags, more...)
		conv, err := v.convert(val)
		if err != nil {
			diags = append(diags, invalid(v.name, err, expr.Range()))
			conv = cty.DynamicVal
		}
		v.values = append(v.values, assignment{from: "env", value: conv, expr: expr})
	}

	files, more := l.varFiles()
	diags = append(diags, more...)
	for _, f := range files {
		content, _, _ := f.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "variable", LabelNames: []string{"name"}}}})
		if content != nil && len(content.Blocks) > 0 {
			for _, b := range content.Blocks {
				name := b.Labels[0]
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Variable declaration in a .pkrvar file",
					Detail: fmt.Sprintf("A variable file assigns values to variables declared in the template; it does not declare them. "+
						"To declare variable %q, place its variable block in one of the template's .pkr.hcl files. "+
						"To set its value in %s, write:\n    %s = <value>", name, b.TypeRange.Filename, name),
					Subject: b.TypeRange.Ptr(),
				})
			}
			return diags
		}
		attrs, more := f.Body.JustAttributes()
		diags = append(diags, more...)
		for _, attr := range sortedAttributes(attrs) {
			v, ok := vs.byName[attr.Name]
			if !ok {
				if l.opts.WarnUndeclaredVar {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagWarning,
						Summary:  "Undefined variable",
						Detail: fmt.Sprintf("The variable %[1]q was set but was not declared as an input variable.\n"+
							"To declare variable %[1]q place this block in one of your .pkr.hcl files, such as variables.pkr.hcl\n\n"+
							"variable %[1]q {\n  type    = string\n  default = null\n}", attr.Name),
						Subject: attr.NameRange.Ptr(),
						Context: attr.Range.Ptr(),
					})
				}
				continue
			}
			val, more := attr.Expr.Value(nil)
			diags = append(diags, more...)
			conv, err := v.convert(val)
			if err != nil {
				diags = append(diags, invalid(attr.Name, err, attr.Expr.Range()))
				conv = cty.DynamicVal
			}
			v.values = append(v.values, assignment{from: "varfile", value: conv, expr: attr.Expr})
		}
	}

	for _, kv := range l.opts.Vars {
		v, ok := vs.byName[kv.Key]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Undefined -var variable",
				Detail: fmt.Sprintf("A %q variable was passed in the command line but was not found in known variables. "+
					"To declare variable %q, place this block in one of your .pkr files, such as variables.pkr.hcl", kv.Key, kv.Key),
			})
			continue
		}
		expr, more := inputExpr(fmt.Sprintf("<value for var.%s from arguments>", kv.Key), kv.Value, v.typ)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		val, more := expr.Value(nil)
		diags = append(diags, more...)
		conv, err := v.convert(val)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid argument value for -var variable",
				Detail:   fmt.Sprintf("The received arg value for %s is not compatible with the variable's type constraint: %s.", kv.Key, err),
			})
			conv = cty.DynamicVal
		}
		v.values = append(v.values, assignment{from: "cmd", value: conv, expr: expr})
	}
	vs.obj = cty.NilVal
	return diags
}

// validate reports unset variables, null values of non-nullable ones and
// failed validation rules.
func (vs *variables) validate(fns map[string]function.Function) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, v := range vs.order {
		if len(v.values) == 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Unset variable %q", v.name),
				Detail:   "A used variable must be set or have a default value; see https://developer.hashicorp.com/packer/docs/templates/hcl_templates/variables for details.",
				Context:  v.rng.Ptr(),
			})
			continue
		}
		a := v.values[len(v.values)-1]
		if !v.nullable && a.value.IsNull() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The variable %q is not nullable, but its value is null.", v.name),
				Subject:  a.expr.Range().Ptr(),
			})
			continue
		}
		if len(v.validations) == 0 {
			continue
		}
		ectx := &hcl.EvalContext{
			Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.name: a.value})},
			Functions: fns,
		}
		for _, vv := range v.validations {
			res, more := vv.condition.Value(ectx)
			diags = append(diags, more...)
			if more.HasErrors() || !res.IsKnown() {
				continue
			}
			if res.IsNull() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid variable validation result",
					Detail:   "Validation condition expression must return either true or false, not null.",
					Subject:  vv.condition.Range().Ptr(),
				})
				continue
			}
			b, err := convert.Convert(res, cty.Bool)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid variable validation result",
					Detail:   fmt.Sprintf("Invalid validation condition result value: %s.", err),
					Subject:  vv.condition.Range().Ptr(),
				})
				continue
			}
			if b.False() {
				subject := vv.rng.Ptr()
				if a.expr != nil {
					subject = a.expr.Range().Ptr()
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  fmt.Sprintf("Invalid value for %s variable", a.from),
					Detail:   fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.", vv.message, vv.rng.String()),
					Subject:  subject,
				})
			}
		}
	}
	return diags
}

// bodyContent is body.Content(schema), answered at once for a parsed body
// without blocks whose arguments are all in schema, with those it
// requires: as most variable blocks. Content builds maps to record what
// it read, for thousands of variable blocks a noticeable part of loading.
func bodyContent(body hcl.Body, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok || len(sb.Blocks) > 0 || len(sb.Attributes) > len(schema.Attributes) {
		return body.Content(schema)
	}
	attrs := make(hcl.Attributes, len(sb.Attributes))
	for _, as := range schema.Attributes {
		a, ok := sb.Attributes[as.Name]
		if !ok {
			if as.Required {
				return body.Content(schema)
			}
			continue
		}
		attrs[as.Name] = a.AsHCLAttribute()
	}
	if len(attrs) != len(sb.Attributes) {
		return body.Content(schema)
	}
	return &hcl.BodyContent{Attributes: attrs, MissingItemRange: sb.MissingItemRange()}, nil
}
