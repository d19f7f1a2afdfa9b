package funcs

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// MakeEnvFunc returns the env function, which reads an environment
// variable through getenv (an unset variable reads as ""). Templates may
// call it only in variable defaults.
func MakeEnvFunc(getenv func(string) string) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable, or an empty string.",
		Params:      []function.Parameter{{Name: "key", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(getenv(args[0].AsString())), nil
		},
	})
}
