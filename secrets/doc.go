// Package secrets reads values from the secret stores Packer's template
// functions reach: a key of a HashiCorp Vault secret (the vault function)
// and a HashiCorp Consul key (the consul_key function). Readers also hands
// legacy templates the AWS Secrets Manager reads of package awsaccess.
//
// Both talk to their service's HTTP API with net/http and are configured
// by the environment variables the services' own clients read (VAULT_ADDR,
// VAULT_TOKEN, CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, …), read again at every
// call, as Packer does. A call never waits forever: it ends with its
// context, or after a client timeout.
package secrets
