package legacy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/secrets/secretstest"
	"github.com/kilnbuild/kiln/template"
)

// fakeStores serves a Vault KV version 2 secret at secret/data/db and the
// Consul key app/region, and points the VAULT_ and CONSUL_ variables at
// them.
func fakeStores(t *testing.T) {
	t.Helper()
	secretstest.Serve(t, secretstest.Stores{
		VaultToken:  "hvs.legacy",
		Vault:       map[string]map[string]string{"secret/data/db": {"user": "ada", "password": "s3cr3t"}},
		ConsulToken: "consul-tok",
		Consul:      map[string]string{"app/region": "eu-west-1"},
	})
}

// {{ vault }} and {{ consul_key }} read Vault and Consul in variable
// values, and nowhere else, as in Packer.
func TestLoadSecretVariables(t *testing.T) {
	fakeStores(t)
	src := `{
	  "variables": {
	    "db_user": "{{ vault ` + "`secret/data/db` `user`" + ` }}",
	    "db_password": "{{vault ` + "`/secret/data/db` `password`" + `}}",
	    "region": "{{ consul_key ` + "`app/region`" + ` }}",
	    "dsn": "{{user ` + "`db_user`" + `}}@{{user ` + "`region`" + `}}"
	  },
	  "sensitive-variables": ["db_password"],
	  "builders": [{"type": "null", "note": "{{user ` + "`dsn`" + `}}"}]
	}`
	_, diags, rec, _ := load(t, src, template.Options{})
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	pc := rec.last("builder", "null").raws[1].(map[string]any)
	want := map[string]string{"db_user": "ada", "db_password": "s3cr3t", "region": "eu-west-1", "dsn": "ada@eu-west-1"}
	if diff := cmp.Diff(want, pc[sdk.KeyUserVariables]); diff != "" {
		t.Errorf("packer_user_variables (-want +got):\n%s", diff)
	}
	if got := rec.last("builder", "null").raws[0].(map[string]any)["note"]; got != "ada@eu-west-1" {
		t.Errorf("note = %q", got)
	}
}

func TestLoadSecretVariableErrors(t *testing.T) {
	fakeStores(t)
	tests := []struct {
		name string
		src  string
		env  map[string]string
		want string // a substring of the only error
	}{
		{
			name: "missing key",
			src:  `{"variables": {"a": "{{vault ` + "`secret/data/db` `nope`" + `}}"}, "builders": [{"type": "null"}]}`,
			want: "error calling vault: key \"nope\" not found in vault secret \"secret/data/db\"",
		},
		{
			name: "missing secret",
			src:  `{"variables": {"a": "{{vault ` + "`secret/data/gone` `user`" + `}}"}, "builders": [{"type": "null"}]}`,
			want: "error calling vault: vault secret \"secret/data/gone\" not found",
		},
		{
			name: "no token",
			src:  `{"variables": {"a": "{{vault ` + "`secret/data/db` `user`" + `}}"}, "builders": [{"type": "null"}]}`,
			env:  map[string]string{"VAULT_TOKEN": ""},
			want: "error calling vault: must set VAULT_TOKEN to use the vault function",
		},
		{
			name: "missing consul key",
			src:  `{"variables": {"a": "{{consul_key ` + "`app/gone`" + `}}"}, "builders": [{"type": "null"}]}`,
			want: "error calling consul_key: consul key \"app/gone\" not found",
		},
		{
			name: "vault in a builder",
			src:  `{"builders": [{"type": "null", "name": "{{vault ` + "`secret/data/db` `user`" + `}}"}]}`,
			want: "error calling vault: Vault vars are only allowed in the variables section",
		},
		{
			name: "consul_key in a builder",
			src:  `{"builders": [{"type": "null", "name": "{{consul_key ` + "`app/region`" + `}}"}]}`,
			want: "error calling consul_key: consul_key is not allowed here",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, diags, _, _ := load(t, tt.src, template.Options{})
			errs := errorDetails(diags)
			if len(errs) != 1 || !strings.Contains(errs[0], tt.want) {
				t.Errorf("errors %q, want one holding %q", errs, tt.want)
			}
		})
	}
}
