package hcl2_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/secrets/secretstest"
	"github.com/kilnbuild/kiln/template"
)

// fakeStores serves a Vault KV version 2 secret at secret/data/db and the
// Consul key app/region, and points the VAULT_ and CONSUL_ variables at
// them.
func fakeStores(t *testing.T) {
	t.Helper()
	secretstest.Serve(t, secretstest.Stores{
		VaultToken: "hvs.hcl2",
		Vault:      map[string]map[string]string{"secret/data/db": {"user": "ada"}},
		Consul:     map[string]string{"app/region": "eu-west-1"},
	})
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
