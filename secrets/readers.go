package secrets

import (
	"context"

	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Readers returns the readers legacy JSON templates' {{ vault }} and
// {{ consul_key }} call. The AWS Secrets Manager readers are left nil.
func Readers() interpolate.SecretReaders {
	return interpolate.SecretReaders{
		Consul: func(key string) (string, error) {
			return ConsulKey(context.Background(), key)
		},
		Vault: func(path, key string) (string, error) {
			return Vault(context.Background(), path, key)
		},
	}
}
