package funcs

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// fakeStores serves a Vault KV version 2 secret at secret/data/app, a
// version 1 secret at kv/app, and the Consul key app/name, with Vault's
// and Consul's answers for them and for missing ones.
func fakeStores(t *testing.T) *httptest.Server {
	t.Helper()
	answer := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/kv/app/") { // Consul
			if r.URL.Path != "/v1/kv/app/name" {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			answer(w, http.StatusOK, []map[string]any{{"Key": "app/name", "Flags": 0, "Value": []byte("web"), "CreateIndex": 7, "ModifyIndex": 7}})
			return
		}
		if r.Header.Get("X-Vault-Token") != "hvs.funcs" {
			answer(w, http.StatusForbidden, map[string]any{"errors": []string{"permission denied"}})
			return
		}
		switch r.URL.Path {
		case "/v1/secret/data/app":
			answer(w, http.StatusOK, map[string]any{"data": map[string]any{
				"data":     map[string]any{"user": "ada", "port": 5432},
				"metadata": map[string]any{"version": 3, "destroyed": false, "deletion_time": ""},
			}})
		case "/v1/kv/app":
			answer(w, http.StatusOK, map[string]any{"data": map[string]any{"user": "grace"}, "lease_duration": 2764800})
		default:
			answer(w, http.StatusNotFound, map[string]any{"errors": []string{}})
		}
	}))
	t.Cleanup(ts.Close)
	t.Setenv("VAULT_ADDR", ts.URL)
	t.Setenv("VAULT_TOKEN", "hvs.funcs")
	t.Setenv("VAULT_NAMESPACE", "")
	t.Setenv("VAULT_AGENT_ADDR", "")
	t.Setenv("CONSUL_HTTP_ADDR", ts.URL)
	t.Setenv("CONSUL_HTTP_TOKEN", "")
	t.Setenv("CONSUL_HTTP_TOKEN_FILE", "")
	return ts
}

// Each secret-store function reads its store: two cases that evaluate and
// errors, as TestFunctions asks of the others.
func TestSecretFunctions(t *testing.T) {
	fakeStores(t)
	tests := []struct {
		expr string
		want cty.Value
		err  string
	}{
		{expr: `vault("secret/data/app", "user")`, want: cty.StringVal("ada")},
		{expr: `vault("/kv/app", "user")`, want: cty.StringVal("grace")},
		{expr: `upper(vault("secret/data/app", "user"))`, want: cty.StringVal("ADA")},
		{expr: `vault("secret/data/app", "nope")`, err: `key "nope" not found in vault secret "secret/data/app"`},
		{expr: `vault("secret/data/gone", "user")`, err: `vault secret "secret/data/gone" not found`},
		{expr: `vault("secret/data/app", "port")`, err: `key "port" of vault secret "secret/data/app" is a number, not a string`},
		{expr: `consul_key("app/name")`, want: cty.StringVal("web")},
		{expr: `consul_key("/app/name")`, want: cty.StringVal("web")},
		{expr: `consul_key("app/gone")`, err: `consul key "app/gone" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, diags := eval(t, tt.expr)
			if tt.err != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.err) {
					t.Fatalf("got %#v, %v; want an error holding %q", got, diags, tt.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if !got.RawEquals(tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}

	t.Run("wrong token", func(t *testing.T) {
		t.Setenv("VAULT_TOKEN", "hvs.wrong")
		_, diags := eval(t, `vault("secret/data/app", "user")`)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), "code 403: permission denied") || strings.Contains(diags.Error(), "hvs.wrong") {
			t.Errorf("diagnostics %v, want Vault's 403 without the token", diags)
		}
	})
	t.Run("no token", func(t *testing.T) {
		t.Setenv("VAULT_TOKEN", "")
		_, diags := eval(t, `vault("secret/data/app", "user")`)
		if want := `Call to function "vault" failed: must set VAULT_TOKEN to use the vault function.`; !diags.HasErrors() || diags[0].Detail != want {
			t.Errorf("diagnostics %v, want %q", diags, want)
		}
	})
}
