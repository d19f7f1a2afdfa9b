package funcs

// Functions of go-cty's library that panic on some arguments (the panic
// is turned into an error holding a stack trace), written again to fail
// with a plain error there and to behave the same everywhere else.

import (
	"math"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// float64Args reads number arguments as float64s.
func float64Args(args []cty.Value) ([]float64, error) {
	out := make([]float64, len(args))
	for i, a := range args {
		if err := gocty.FromCtyValue(a, &out[i]); err != nil {
			return nil, function.NewArgError(i, err)
		}
	}
	return out, nil
}

// floatResult is f as a cty number, or an error when it is not a number
// (cty numbers cannot be NaN).
func floatResult(f float64, what string) (cty.Value, error) {
	if math.IsNaN(f) {
		return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "%s is not a real number", what)
	}
	return cty.NumberFloatVal(f), nil
}

// LogFunc is the logarithm of a number in a base, as go-cty's log, but
// failing with an error where there is no real result (log(-1, 10),
// log(1, 1)) instead of panicking inside the function.
var LogFunc = realFunc2("Returns the logarithm of the given number in the given base.",
	"base", "the logarithm", func(x, base float64) float64 { return math.Log(x) / math.Log(base) })

// PowFunc is a number raised to a power, as go-cty's pow, but failing
// with an error where there is no real result (pow(-1, 0.5)).
var PowFunc = realFunc2("Returns the given number raised to the given power (exponentiation).",
	"power", "the power", math.Pow)

// realFunc2 is a function of a number, "num", and a second number named
// param, whose result f must be a real number (what names it in the
// error when it is not).
func realFunc2(description, param, what string, f func(num, x float64) float64) function.Function {
	return function.New(&function.Spec{
		Description: description,
		Params: []function.Parameter{
			{Name: "num", Type: cty.Number},
			{Name: param, Type: cty.Number},
		},
		Type:         function.StaticReturnType(cty.Number),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := float64Args(args)
			if err != nil {
				return cty.UnknownVal(cty.Number), err
			}
			return floatResult(f(v[0], v[1]), what)
		},
	})
}

// IndentFunc adds spaces after each newline of a string, as go-cty's
// indent, but failing with an error for a negative number of spaces.
var IndentFunc = function.New(&function.Spec{
	Description: "Adds a given number of spaces after each newline character in the given string.",
	Params: []function.Parameter{
		{Name: "spaces", Type: cty.Number},
		{Name: "str", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var spaces int
		if err := gocty.FromCtyValue(args[0], &spaces); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		if spaces < 0 {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the number of spaces must not be negative")
		}
		return cty.StringVal(strings.ReplaceAll(args[1].AsString(), "\n", "\n"+strings.Repeat(" ", spaces))), nil
	},
})
