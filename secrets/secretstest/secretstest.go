// Package secretstest serves a small Vault (KV version 2) and Consul
// key/value store from a local HTTP server, for the tests of the template
// functions that read them: no Vault or Consul can be installed on the
// machines the tests run on.
package secretstest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Stores is what the server holds.
type Stores struct {
	// VaultToken is the only token Vault accepts (403 otherwise).
	VaultToken string
	// Vault maps a secret's API path ("secret/data/db") to its keys.
	Vault map[string]map[string]string
	// ConsulToken, when set, is the only token Consul accepts for a key
	// (404 otherwise).
	ConsulToken string
	// Consul maps a key to its value.
	Consul map[string]string
}

// Serve starts a server holding s and points the VAULT_ and CONSUL_
// environment variables at it.
func Serve(t testing.TB, s Stores) {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if key, ok := strings.CutPrefix(r.URL.Path, "/v1/kv/"); ok {
			v, found := s.Consul[key]
			if !found || (s.ConsulToken != "" && r.Header.Get("X-Consul-Token") != s.ConsulToken) {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			_ = json.NewEncoder(w).Encode([]map[string]any{{"Key": key, "Value": []byte(v)}})
			return
		}
		if r.Header.Get("X-Vault-Token") != s.VaultToken {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errors":["permission denied"]}`))
			return
		}
		data, ok := s.Vault[strings.TrimPrefix(r.URL.Path, "/v1/")]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errors":[]}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"data": data, "metadata": map[string]any{"version": 1}}})
	}))
	t.Cleanup(ts.Close)
	for k, v := range map[string]string{
		"VAULT_ADDR": ts.URL, "VAULT_TOKEN": s.VaultToken, "VAULT_AGENT_ADDR": "", "VAULT_NAMESPACE": "",
		"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_HTTP_TOKEN": s.ConsulToken, "CONSUL_HTTP_TOKEN_FILE": "",
	} {
		t.Setenv(k, v)
	}
}
