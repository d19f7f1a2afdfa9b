package secrets

import (
	"testing"
)

func TestReaders(t *testing.T) {
	r := Readers()
	if r.AWSSecret != nil || r.AWSSecretRaw != nil {
		t.Error("the AWS Secrets Manager readers are set")
	}
	startVault(t, newFakeVault())
	got, err := r.Vault("secret/data/app", "user")
	checkResult(t, got, err, "ada", "", nil, "")
	startConsul(t, newFakeConsul())
	got, err = r.Consul("app/db/password")
	checkResult(t, got, err, "s3cr3t", "", nil, "")
}
