package funcs

import (
	"context"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kilnbuild/kiln/awsaccess"
)

// AWSSecretsManagerFunc is aws_secretsmanager(name, key): one value of the
// current version of an AWS Secrets Manager secret — the secret's text
// when it is not JSON, else the JSON object's value for key (its only
// value when key is null or ""). Credentials and region come from the
// standard AWS chain.
var AWSSecretsManagerFunc = function.New(&function.Spec{
	Description: "Reads one value of an AWS Secrets Manager secret.",
	Params: []function.Parameter{
		{Name: "name", Type: cty.String},
		{Name: "key", Type: cty.String, AllowNull: true},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var key string
		if !args[1].IsNull() {
			key = args[1].AsString()
		}
		v, err := awsaccess.SecretValue(context.Background(), args[0].AsString(), key)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(v), nil
	},
})

// AWSSecretsManagerRawFunc is aws_secretsmanager_raw(name): the whole
// string of the current version of an AWS Secrets Manager secret.
var AWSSecretsManagerRawFunc = function.New(&function.Spec{
	Description: "Reads the whole string of an AWS Secrets Manager secret.",
	Params:      []function.Parameter{{Name: "name", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, err := awsaccess.SecretString(context.Background(), args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(v), nil
	},
})
