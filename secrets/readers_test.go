package secrets

import (
	"net/http"
	"testing"

	"github.com/kilnbuild/kiln/awsaccess/awstest"
)

func TestReaders(t *testing.T) {
	r := Readers()
	awstest.Serve(t, map[string]awstest.Answer{awstest.TargetGetSecretValue: func(body map[string]any) (int, any) {
		return http.StatusOK, map[string]any{"Name": body["SecretId"], "SecretString": `{"password":"hunter2"}`}
	}})
	got, err := r.AWSSecret("db", "password")
	checkResult(t, got, err, "hunter2", "", nil, "")
	got, err = r.AWSSecretRaw("db")
	checkResult(t, got, err, `{"password":"hunter2"}`, "", nil, "")
	startVault(t, newFakeVault())
	got, err = r.Vault("secret/data/app", "user")
	checkResult(t, got, err, "ada", "", nil, "")
	startConsul(t, newFakeConsul())
	got, err = r.Consul("app/db/password")
	checkResult(t, got, err, "s3cr3t", "", nil, "")
}
