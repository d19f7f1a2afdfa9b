package funcs

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/awsaccess/awstest"
)

func TestAWSSecretsManager(t *testing.T) {
	secrets := map[string]string{"db": `{"user":"admin","password":"hunter2"}`, "token": "plain text"}
	awstest.Serve(t, map[string]awstest.Answer{awstest.TargetGetSecretValue: func(body map[string]any) (int, any) {
		name, _ := body["SecretId"].(string)
		s, ok := secrets[name]
		if !ok {
			return http.StatusBadRequest, map[string]string{"__type": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret."}
		}
		return http.StatusOK, map[string]any{"Name": name, "SecretString": s}
	}})
	for _, tt := range []struct{ expr, want, err string }{
		{expr: `aws_secretsmanager("db", "password")`, want: "hunter2"},
		{expr: `aws_secretsmanager("token", null)`, want: "plain text"},
		{expr: `aws_secretsmanager("db", null)`, err: "multiple values and no key was set"},
		{expr: `aws_secretsmanager("db", "nope")`, err: `no secret found for key "nope"`},
		{expr: `aws_secretsmanager("missing", "k")`, err: "ResourceNotFoundException"},
		{expr: `aws_secretsmanager_raw("db")`, want: secrets["db"]},
		{expr: `aws_secretsmanager_raw("missing")`, err: "ResourceNotFoundException"},
	} {
		v, diags := eval(t, tt.expr)
		if tt.err != "" {
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.err) {
				t.Errorf("%s = %#v, %v; want error %q", tt.expr, v, diags, tt.err)
			}
			continue
		}
		if diags.HasErrors() || v.AsString() != tt.want {
			t.Errorf("%s = %#v, %v; want %q", tt.expr, v, diags, tt.want)
		}
	}
}
