package secrets

import (
	"context"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

func TestVaultTLS(t *testing.T) {
	f := newFakeVault()
	clearEnv(t)
	var conns atomic.Int32 // connections opened, to see there are no retries
	ts := newTLSServer(t, f, nil, func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	})
	dir := t.TempDir()
	ca := writePEM(t, dir, ts.Certificate())
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}))
	junk := t.TempDir()
	if err := os.WriteFile(junk+"/notes.txt", []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		env      map[string]string
		want     string
		err      string
		requests int   // how many reached the server
		conns    int32 // how many connections were opened, when not 0
	}{
		// A certificate refused is final: one connection, no retries.
		{name: "unknown authority", err: "certificate signed by unknown authority", requests: 0, conns: 1},
		{name: "CA file", env: map[string]string{"VAULT_CACERT": ca}, want: "ada", requests: 1},
		{name: "CA directory", env: map[string]string{"VAULT_CAPATH": dir}, want: "ada", requests: 1},
		{name: "CA text", env: map[string]string{"VAULT_CACERT_BYTES": caPEM}, want: "ada", requests: 1},
		{name: "CA file before CA text", env: map[string]string{"VAULT_CACERT": ca, "VAULT_CACERT_BYTES": "junk"}, want: "ada", requests: 1},
		{name: "CA directory with junk", env: map[string]string{"VAULT_CAPATH": junk}, err: "reading the CA directory: no PEM certificate in " + junk + "/notes.txt", requests: 0},
		{name: "CA file that is not PEM", env: map[string]string{"VAULT_CACERT": junk + "/notes.txt"}, err: "no PEM certificate in " + junk + "/notes.txt", requests: 0},
		{name: "skip verify", env: map[string]string{"VAULT_SKIP_VERIFY": "true"}, want: "ada", requests: 1},
		{name: "server name in the certificate", env: map[string]string{"VAULT_CACERT": ca, "VAULT_TLS_SERVER_NAME": "example.com"}, want: "ada", requests: 1},
		{name: "server name not in the certificate", env: map[string]string{"VAULT_CACERT": ca, "VAULT_TLS_SERVER_NAME": "vault.other.test"}, err: "certificate is valid for", requests: 0},
		{name: "plain http to a TLS server", env: map[string]string{"VAULT_ADDR": strings.Replace(ts.URL, "https:", "http:", 1), "VAULT_MAX_RETRIES": "0"}, err: "code 400", requests: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.mu.Lock()
			f.requests = nil
			f.mu.Unlock()
			conns.Store(0)
			setEnv(t, map[string]string{"VAULT_ADDR": ts.URL, "VAULT_TOKEN": f.token})
			setEnv(t, tt.env)
			got, err := Vault(context.Background(), "secret/data/app", "user")
			checkResult(t, got, err, tt.want, tt.err, nil, f.token)
			if n := len(f.seen()); n != tt.requests {
				t.Errorf("%d requests reached the server, want %d", n, tt.requests)
			}
			if n := conns.Load(); tt.conns != 0 && n != tt.conns {
				t.Errorf("%d connections, want %d", n, tt.conns)
			}
		})
	}
}

func TestVaultClientCertificate(t *testing.T) {
	clearEnv(t)
	f := newFakeVault()
	certFile, keyFile, pool := clientCert(t)
	ts := newTLSServer(t, f, pool, nil)
	ca := writePEM(t, t.TempDir(), ts.Certificate())
	setEnv(t, map[string]string{"VAULT_ADDR": ts.URL, "VAULT_TOKEN": f.token, "VAULT_CACERT": ca, "VAULT_MAX_RETRIES": "0"})

	if _, err := Vault(context.Background(), "secret/data/app", "user"); err == nil {
		t.Fatal("read without a client certificate")
	}
	setEnv(t, map[string]string{"VAULT_CLIENT_CERT": certFile, "VAULT_CLIENT_KEY": keyFile})
	got, err := Vault(context.Background(), "secret/data/app", "user")
	checkResult(t, got, err, "ada", "", nil, f.token)

	t.Setenv("VAULT_CLIENT_KEY", certFile)
	_, err = Vault(context.Background(), "secret/data/app", "user")
	checkResult(t, "", err, "", "configuring TLS for Vault: loading the client certificate", nil, f.token)
}

func TestVaultRedirectDowngrade(t *testing.T) {
	f := newFakeVault()
	active := startVault(t, f)
	standby := newTLSServer(t, redirectTo(active.URL), nil, nil)
	setEnv(t, map[string]string{"VAULT_ADDR": standby.URL, "VAULT_SKIP_VERIFY": "true"})
	_, err := Vault(context.Background(), "secret/data/app", "user")
	checkResult(t, "", err, "", "the redirect would downgrade https to http", nil, f.token)
	if n := len(f.seen()); n != 0 {
		t.Errorf("%d requests reached the http server", n)
	}
}
