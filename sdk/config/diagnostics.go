package config

import (
	"errors"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Diagnostics converts an error returned by Decode (or by a component's
// Prepare, wrapping one) into error diagnostics located in body, the HCL
// body the configuration was decoded from.
//
// Each FieldError becomes one diagnostic with a short Summary ("Invalid
// duration", "Missing required argument", …) and the error's message as
// Detail. Its Subject is the value of the attribute named by the error's
// Path, found through nested blocks (the n-th block of a type for an index,
// the block with that label for a block map) and into list and object
// expressions; its Context is the whole attribute. When the attribute is
// absent (a missing required key, a key set by a JSON raw) the Subject is
// the header of the innermost block of the path that is present, or else
// the body's missing-item range. Errors that are not FieldErrors are placed
// at the body's missing-item range. A nil body gives diagnostics without
// ranges.
func Diagnostics(err error, body hcl.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, e := range leafErrors(err) {
		diag := &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid configuration",
			Detail:   e.Error(),
		}
		fe, ok := e.(*FieldError)
		if ok {
			diag.Summary = summary(fe)
		}
		if body != nil {
			if ok && fe.Path != "" {
				diag.Subject, diag.Context = locate(body, strings.Split(fe.Path, "."))
			} else {
				r := body.MissingItemRange()
				diag.Subject = &r
			}
		}
		diags = append(diags, diag)
	}
	return diags
}

// summary is a short title for a FieldError, in hcl's style.
func summary(fe *FieldError) string {
	var (
		te *TypeError
		de *DurationError
	)
	switch {
	case errors.Is(fe.Err, ErrUnknownKey):
		return "Unsupported argument"
	case errors.Is(fe.Err, ErrMissingKey):
		return "Missing required argument"
	case errors.As(fe.Err, &de):
		return "Invalid duration"
	case errors.As(fe.Err, &te):
		return "Incorrect attribute value type"
	}
	return "Invalid value"
}

// locate finds the range of the value at path in body.
func locate(body hcl.Body, path []string) (subject, context *hcl.Range) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		return locateSyntax(sb, path)
	}
	return locateGeneric(body, path)
}

// locateSyntax walks the attributes and blocks of a native-syntax body.
func locateSyntax(body *hclsyntax.Body, path []string) (subject, context *hcl.Range) {
	name, rest := path[0], path[1:]
	if attr, ok := body.Attributes[name]; ok {
		r := locateExpr(attr.Expr, rest)
		c := attr.SrcRange
		return &r, &c
	}
	var blocks []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == name {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 {
		r := body.MissingItemRange()
		return &r, nil
	}
	block := blocks[0]
	if len(rest) > 0 {
		if i, err := strconv.Atoi(rest[0]); err == nil && len(block.Labels) == 0 {
			if i < 0 || i >= len(blocks) {
				r := block.DefRange()
				return &r, nil
			}
			block, rest = blocks[i], rest[1:]
		} else if len(block.Labels) > 0 {
			found := false
			for _, b := range blocks {
				if b.Labels[0] == rest[0] {
					block, rest, found = b, rest[1:], true
					break
				}
			}
			if !found {
				r := block.DefRange()
				return &r, nil
			}
		}
	}
	if len(rest) == 0 {
		r := block.DefRange()
		return &r, nil
	}
	if _, ok := block.Body.Attributes[rest[0]]; !ok && !hasBlock(block.Body, rest[0]) {
		// Missing inside the block: point at its header, which says more
		// than the opening brace.
		r := block.DefRange()
		return &r, nil
	}
	return locateSyntax(block.Body, rest)
}

func hasBlock(body *hclsyntax.Body, typ string) bool {
	for _, b := range body.Blocks {
		if b.Type == typ {
			return true
		}
	}
	return false
}

// locateExpr narrows the range of expr to the element at path, through
// tuple and object constructors, as far as it can.
func locateExpr(expr hcl.Expression, path []string) hcl.Range {
	for len(path) > 0 {
		switch e := expr.(type) {
		case *hclsyntax.TupleConsExpr:
			i, err := strconv.Atoi(path[0])
			if err != nil || i < 0 || i >= len(e.Exprs) {
				return expr.Range()
			}
			expr = e.Exprs[i]
		case *hclsyntax.ObjectConsExpr:
			var next hcl.Expression
			for _, item := range e.Items {
				if objectKey(item.KeyExpr) == path[0] {
					next = item.ValueExpr
					break
				}
			}
			if next == nil {
				return expr.Range()
			}
			expr = next
		default:
			return expr.Range()
		}
		path = path[1:]
	}
	return expr.Range()
}

// objectKey returns the literal key of an object constructor item, or "".
func objectKey(expr hcl.Expression) string {
	if kw := hcl.ExprAsKeyword(expr); kw != "" {
		return kw
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// locateGeneric finds attributes and blocks in any body (JSON syntax
// included) through its schema-based API. A path that goes on past its
// first name is looked up as a block first, which in JSON also reaches into
// object values.
func locateGeneric(body hcl.Body, path []string) (subject, context *hcl.Range) {
	name, rest := path[0], path[1:]
	if len(rest) > 0 {
		if s, c, ok := locateGenericBlock(body, name, rest); ok {
			return s, c
		}
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: name}}})
	if content != nil && content.Attributes[name] != nil {
		attr := content.Attributes[name]
		r := attr.Expr.Range()
		c := attr.Range
		return &r, &c
	}
	if len(rest) == 0 {
		if s, c, ok := locateGenericBlock(body, name, nil); ok {
			return s, c
		}
	}
	r := body.MissingItemRange()
	return &r, nil
}

// locateGenericBlock finds the block of type name (the one indexed by
// rest[0], if a number) and then the rest of the path in it.
func locateGenericBlock(body hcl.Body, name string, rest []string) (subject, context *hcl.Range, ok bool) {
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: name}}})
	if content == nil || len(content.Blocks) == 0 {
		return nil, nil, false
	}
	block := content.Blocks[0]
	if len(rest) > 0 {
		if i, err := strconv.Atoi(rest[0]); err == nil {
			if i >= 0 && i < len(content.Blocks) {
				block = content.Blocks[i]
			}
			rest = rest[1:]
		}
	}
	if len(rest) == 0 {
		r := block.DefRange
		return &r, nil, true
	}
	s, c := locateGeneric(block.Body, rest)
	return s, c, true
}
