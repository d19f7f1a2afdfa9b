package funcs

import (
	"context"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/kilnbuild/kiln/awsaccess"
	"github.com/kilnbuild/kiln/secrets"
)

// VaultFunc reads a key of a HashiCorp Vault secret (KV version 1 or 2),
// as Packer's vault function: vault(path, key). Vault is configured by
// the VAULT_* environment variables (see secrets.Vault).
var VaultFunc = function.New(&function.Spec{
	Description: "Reads the value of a key of a HashiCorp Vault key/value secret.",
	Params: []function.Parameter{
		{Name: "path", Type: cty.String},
		{Name: "key", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return stringResult(secrets.Vault(context.Background(), args[0].AsString(), args[1].AsString()))
	},
})

// ConsulKeyFunc reads a key of HashiCorp Consul's key/value store, as
// Packer's consul_key function: consul_key(key). Consul is configured by
// the CONSUL_* environment variables (see secrets.ConsulKey).
var ConsulKeyFunc = function.New(&function.Spec{
	Description: "Reads the value of a key of HashiCorp Consul's key/value store.",
	Params:      []function.Parameter{{Name: "key", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return stringResult(secrets.ConsulKey(context.Background(), args[0].AsString()))
	},
})

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
		return stringResult(awsaccess.SecretValue(context.Background(), args[0].AsString(), key))
	},
})

// AWSSecretsManagerRawFunc is aws_secretsmanager_raw(name): the whole
// string of the current version of an AWS Secrets Manager secret.
var AWSSecretsManagerRawFunc = function.New(&function.Spec{
	Description: "Reads the whole string of an AWS Secrets Manager secret.",
	Params:      []function.Parameter{{Name: "name", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return stringResult(awsaccess.SecretString(context.Background(), args[0].AsString()))
	},
})

// stringResult is the result of a function that reads a string from a
// secret store.
func stringResult(v string, err error) (cty.Value, error) {
	if err != nil {
		return cty.UnknownVal(cty.String), err
	}
	return cty.StringVal(v), nil
}
