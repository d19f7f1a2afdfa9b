package hcl2

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// suggest returns the name of candidates closest to name, if one is close
// enough to be what was meant.
func suggest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(name, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// goValue converts a known cty value to plain Go values: string, int64 or
// float64, bool, []any and map[string]any; null and unknown are nil.
func goValue(v cty.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Bool:
		return v.True()
	case ty == cty.Number:
		f := v.AsBigFloat()
		if i, acc := f.Int64(); acc == big.Exact {
			return i
		}
		x, _ := f.Float64()
		return x
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, goValue(e))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := map[string]any{}
		for k, e := range v.AsValueMap() {
			out[k] = goValue(e)
		}
		return out
	}
	return nil
}

// ctyValue converts generated data to cty: strings, numbers and bools
// keep their type; anything else is printed as a string.
func ctyValue(v any) cty.Value {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.String)
	case string:
		return cty.StringVal(x)
	case bool:
		return cty.BoolVal(x)
	case int:
		return cty.NumberIntVal(int64(x))
	case int64:
		return cty.NumberIntVal(x)
	case uint64:
		return cty.NumberUIntVal(x)
	case float64:
		return cty.NumberFloatVal(x)
	case cty.Value:
		return x
	}
	return cty.StringVal(fmt.Sprint(v))
}

// validIdentifier is hclsyntax.ValidIdentifier, answered at once for the
// names nearly every template uses (ASCII letters, digits, "_" and "-",
// not starting with a digit or "-"): hclsyntax lexes the name, which for
// thousands of variables is a noticeable part of loading.
func validIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9' || c == '-') && i > 0:
		default:
			return hclsyntax.ValidIdentifier(s)
		}
	}
	return true
}
