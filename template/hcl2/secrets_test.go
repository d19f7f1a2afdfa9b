package hcl2_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

// fakeStores serves a Vault KV version 2 secret at secret/data/db and the
// Consul key app/region, and points the VAULT_ and CONSUL_ variables at
// them.
func fakeStores(t *testing.T) {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v1/kv/app/region":
			_ = json.NewEncoder(w).Encode([]map[string]any{{"Key": "app/region", "Value": []byte("eu-west-1")}})
		case r.Header.Get("X-Vault-Token") != "hvs.hcl2":
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errors":["permission denied"]}`))
		case r.URL.Path == "/v1/secret/data/db":
			_, _ = w.Write([]byte(`{"data":{"data":{"user":"ada"},"metadata":{"version":1}}}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errors":[]}`))
		}
	}))
	t.Cleanup(ts.Close)
	for k, v := range map[string]string{
		"VAULT_ADDR": ts.URL, "VAULT_TOKEN": "hvs.hcl2", "VAULT_AGENT_ADDR": "", "VAULT_NAMESPACE": "",
		"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_HTTP_TOKEN": "", "CONSUL_HTTP_TOKEN_FILE": "",
	} {
		t.Setenv(k, v)
	}
}

// vault and consul_key read Vault and Consul from locals, as in Packer.
func TestSecretLocals(t *testing.T) {
	fakeStores(t)
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": `
locals {
  user   = vault("secret/data/db", "user")
  region = consul_key("app/region")
}
source "docker" "s" {
  image = "${local.user}@${local.region}"
}
build {
  sources = ["docker.s"]
}
`})
	_, _, rec := mustLoad(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	if got := rec.builders[0].cfg.Image; got != "ada@eu-west-1" {
		t.Errorf("image = %q", got)
	}

	dir = writeFiles(t, map[string]string{"t.pkr.hcl": `
locals {
  password = vault("secret/data/db", "password")
}
`})
	_, diags, _ := load(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	errs := diags.Errs()
	if len(errs) != 1 {
		t.Fatalf("diagnostics %v, want one error", diags)
	}
	d := errs[0].(*hcl.Diagnostic)
	if d.Summary != "Error in function call" || !strings.Contains(d.Detail, `key "password" not found in vault secret "secret/data/db"`) {
		t.Errorf("error %q: %q, want Packer's summary and the missing key", d.Summary, d.Detail)
	}
}
