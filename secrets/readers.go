package secrets

import (
	"context"

	"github.com/kilnbuild/kiln/awsaccess"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Readers returns the readers legacy JSON templates' {{ vault }},
// {{ consul_key }}, {{ aws_secretsmanager }} and
// {{ aws_secretsmanager_raw }} call.
func Readers() interpolate.SecretReaders {
	return interpolate.SecretReaders{
		Consul: func(key string) (string, error) {
			return ConsulKey(context.Background(), key)
		},
		Vault: func(path, key string) (string, error) {
			return Vault(context.Background(), path, key)
		},
		AWSSecret: func(name, key string) (string, error) {
			return awsaccess.SecretValue(context.Background(), name, key)
		},
		AWSSecretRaw: func(name string) (string, error) {
			return awsaccess.SecretString(context.Background(), name)
		},
	}
}
