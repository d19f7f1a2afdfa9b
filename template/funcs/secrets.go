package funcs

import (
	"context"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

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
		v, err := secrets.Vault(context.Background(), args[0].AsString(), args[1].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(v), nil
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
		v, err := secrets.ConsulKey(context.Background(), args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(v), nil
	},
})
