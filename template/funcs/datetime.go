package funcs

import (
	"fmt"
	"time"

	"github.com/kilnbuild/kiln/sdk/interpolate"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// initTime is when kiln started: legacy_isotime and legacy_strftime format
// it, so that, as JSON templates' {{isotime}}, every call in a run agrees.
var initTime = time.Now().UTC()

// now is time.Now, replaced in tests.
var now = time.Now

// TimestampFunc returns the current UTC time in RFC 3339 format. It is
// evaluated at every call, as in Packer.
var TimestampFunc = function.New(&function.Spec{
	Description: "Returns a UTC timestamp string in RFC 3339 format.",
	Type:        function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		return cty.StringVal(now().UTC().Format(time.RFC3339)), nil
	},
})

// LegacyIsotimeFunc formats the run's start time with a Go time layout
// (RFC 3339 without one).
var LegacyIsotimeFunc = function.New(&function.Spec{
	Description: "Returns the start time of the run, formatted with a Go time layout.",
	VarParam:    &function.Parameter{Name: "format", Type: cty.String},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch len(args) {
		case 0:
			return cty.StringVal(initTime.Format(time.RFC3339)), nil
		case 1:
			return cty.StringVal(initTime.Format(args[0].AsString())), nil
		}
		return cty.UnknownVal(cty.String), fmt.Errorf("too many values, 1 needed: %v", args)
	},
})

// LegacyStrftimeFunc formats the run's start time with a C strftime
// format (RFC 3339 without one).
var LegacyStrftimeFunc = function.New(&function.Spec{
	Description: "Returns the start time of the run, formatted with a strftime format.",
	VarParam:    &function.Parameter{Name: "format", Type: cty.String},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch len(args) {
		case 0:
			return cty.StringVal(initTime.Format(time.RFC3339)), nil
		case 1:
			return cty.StringVal(Strftime(args[0].AsString(), initTime)), nil
		}
		return cty.UnknownVal(cty.String), fmt.Errorf("too many values, 1 needed: %v", args)
	},
})

// Strftime formats t with the C strftime directives, as the JSON
// templates' strftime does: the two share one implementation.
func Strftime(format string, t time.Time) string { return interpolate.Strftime(format, t) }
