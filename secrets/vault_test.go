package secrets

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// startVault serves f over HTTP and points VAULT_ADDR and VAULT_TOKEN at
// it.
func startVault(t *testing.T, f *fakeVault) *httptest.Server {
	t.Helper()
	clearEnv(t)
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	setEnv(t, map[string]string{"VAULT_ADDR": ts.URL, "VAULT_TOKEN": f.token})
	return ts
}

func TestVault(t *testing.T) {
	tests := []struct {
		name      string
		path, key string
		want      string
		err       string // a substring of the error, instead of want
		is        error  // the error wraps it
	}{
		{name: "kv v2", path: "secret/data/app", key: "user", want: "ada"},
		{name: "kv v2, leading slash", path: "/secret/data/app", key: "password", want: "s3cr3t"},
		{name: "kv v2, path cleaned", path: "secret//data/app/", key: "user", want: "ada"},
		{name: "kv v1", path: "kv/app", key: "password", want: "hunter2"},
		{name: "kv v1 with a key named data", path: "kv/odd", key: "data", want: "a v1 key named data"},
		{name: "kv v1 key beside a key named data", path: "kv/odd", key: "other", want: "x"},
		// Packer looks under data.data whenever it is an object.
		{name: "kv v1 data object", path: "kv/oddv2", key: "inner", want: "in"},
		{name: "kv v1 data object hides the rest", path: "kv/oddv2", key: "outer", err: `key "outer" not found in vault secret "kv/oddv2"`, is: ErrNotFound},

		{name: "kv v2 missing key", path: "secret/data/app", key: "nope", err: `key "nope" not found in vault secret "secret/data/app"`, is: ErrNotFound},
		{name: "kv v1 missing key", path: "kv/app", key: "nope", err: `key "nope" not found in vault secret "kv/app"`, is: ErrNotFound},
		{name: "kv v2 missing secret", path: "secret/data/nope", key: "k", err: `vault secret "secret/data/nope" not found`, is: ErrNotFound},
		{name: "kv v1 missing secret", path: "kv/nope", key: "k", err: `vault secret "kv/nope" not found`, is: ErrNotFound},
		{name: "no such mount", path: "nomount/x", key: "k", err: `vault secret "nomount/x" not found`, is: ErrNotFound},
		{name: "kv v2 without data/", path: "secret/app", key: "user", err: `vault secret "secret/app" has no data, key "user" not found (a KV version 2 secret is read at <mount>/data/<name>; Vault warned: Invalid path for a versioned K/V`, is: ErrNotFound},
		{name: "kv v1 empty secret", path: "kv/empty", key: "user", err: `vault secret "kv/empty" has no data, key "user" not found (a KV version 2 secret is read at <mount>/data/<name>)`, is: ErrNotFound},
		{name: "kv v2 deleted version", path: "secret/data/deleted", key: "user", err: "the version read is deleted or destroyed", is: ErrNotFound},

		{name: "number", path: "secret/data/app", key: "port", err: `key "port" of vault secret "secret/data/app" is a number, not a string`, is: ErrNotString},
		{name: "bool", path: "secret/data/app", key: "admin", err: "is a bool, not a string", is: ErrNotString},
		{name: "list", path: "secret/data/app", key: "tags", err: "is a list, not a string", is: ErrNotString},
		{name: "object", path: "secret/data/app", key: "nested", err: "is an object, not a string", is: ErrNotString},
		{name: "null", path: "secret/data/app", key: "none", err: "is null, not a string", is: ErrNotString},
	}
	f := newFakeVault()
	startVault(t, f)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Vault(context.Background(), tt.path, tt.key)
			checkResult(t, got, err, tt.want, tt.err, tt.is, f.token)
		})
	}
	for _, r := range f.seen() {
		if r.Header.Get("X-Vault-Request") != "true" {
			t.Errorf("%s: X-Vault-Request = %q, want true", r.URL.Path, r.Header.Get("X-Vault-Request"))
		}
		if r.Header.Get("X-Vault-Namespace") != "" {
			t.Errorf("%s: X-Vault-Namespace sent without VAULT_NAMESPACE", r.URL.Path)
		}
	}
}

// checkResult checks a reader's result against want, or against an error
// holding errText and wrapping is; no error may hold the secret token.
func checkResult(t *testing.T, got string, err error, want, errText string, is error, token string) {
	t.Helper()
	if errText == "" {
		if err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
		return
	}
	if err == nil {
		t.Fatalf("got %q, want an error holding %q", got, errText)
	}
	if !strings.Contains(err.Error(), errText) {
		t.Errorf("error %q does not hold %q", err, errText)
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("error %q does not wrap %q", err, is)
	}
	if token != "" && strings.Contains(err.Error(), token) {
		t.Errorf("error %q holds the token", err)
	}
	if err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
		t.Errorf("error %q does not start in lower case", err)
	}
}

func TestVaultAuthAndConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string // over VAULT_ADDR and VAULT_TOKEN of the fake
		ns   string            // the fake's namespace
		want string
		err  string
	}{
		{name: "token", want: "ada"},
		{name: "no token", env: map[string]string{"VAULT_TOKEN": ""}, err: "must set VAULT_TOKEN to use the vault function"},
		{name: "wrong token", env: map[string]string{"VAULT_TOKEN": "hvs.wrong"}, err: "/v1/secret/data/app: code 403: permission denied"},
		{name: "token with a newline", env: map[string]string{"VAULT_TOKEN": "hvs.x\n"}, err: "the token in VAULT_TOKEN has non-printable characters"},
		{name: "namespace", ns: "team-a", env: map[string]string{"VAULT_NAMESPACE": "team-a"}, want: "ada"},
		{name: "namespace missing", ns: "team-a", err: "code 403: permission denied"},
		{name: "other namespace", ns: "team-a", env: map[string]string{"VAULT_NAMESPACE": "team-b"}, err: "code 403: permission denied"},
		{name: "agent address wins", env: map[string]string{"VAULT_ADDR": "http://127.0.0.1:1", "VAULT_AGENT_ADDR": "{{url}}"}, want: "ada"},
		{name: "address with a path", env: map[string]string{"VAULT_ADDR": "{{url}}/vault/"}, err: `GET {{url}}/vault/v1/secret/data/app: code 404: 404 page not found`},
		{name: "bad address", env: map[string]string{"VAULT_ADDR": "127.0.0.1:8200"}, err: "parsing the address in VAULT_ADDR: first path segment in URL cannot contain colon"},
		{name: "not http", env: map[string]string{"VAULT_ADDR": "ftp://vault"}, err: `the address in VAULT_ADDR, "ftp://vault", is not an http://, https:// or unix:// address`},
		{name: "password not repeated", env: map[string]string{"VAULT_ADDR": "ftp://me:pw@vault"}, err: `"ftp://me:xxxxx@vault"`},
		{name: "bad skip verify", env: map[string]string{"VAULT_SKIP_VERIFY": "maybe"}, err: `parsing VAULT_SKIP_VERIFY: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{name: "bad timeout", env: map[string]string{"VAULT_CLIENT_TIMEOUT": "soon"}, err: "parsing VAULT_CLIENT_TIMEOUT"},
		{name: "negative timeout", env: map[string]string{"VAULT_CLIENT_TIMEOUT": "-5"}, err: "parsing VAULT_CLIENT_TIMEOUT: -5 seconds is out of range"},
		{name: "timeout in seconds", env: map[string]string{"VAULT_CLIENT_TIMEOUT": "30"}, want: "ada"},
		{name: "bad retries", env: map[string]string{"VAULT_MAX_RETRIES": "-1"}, err: "parsing VAULT_MAX_RETRIES"},
		{name: "missing CA file", env: map[string]string{"VAULT_CACERT": "/nonexistent/ca.pem"}, err: "configuring TLS for Vault: reading the CA certificate: open /nonexistent/ca.pem"},
		{name: "client cert without key", env: map[string]string{"VAULT_CLIENT_CERT": "/nonexistent/c.pem"}, err: "a client certificate needs both the certificate and its key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeVault()
			f.namespace = tt.ns
			ts := startVault(t, f)
			for k, v := range tt.env {
				t.Setenv(k, strings.ReplaceAll(v, "{{url}}", ts.URL))
			}
			got, err := Vault(context.Background(), "secret/data/app", "user")
			checkResult(t, got, err, tt.want, strings.ReplaceAll(tt.err, "{{url}}", ts.URL), nil, f.token)
		})
	}
}

func TestVaultRetries(t *testing.T) {
	tests := []struct {
		name     string
		fail     []int
		retries  string // VAULT_MAX_RETRIES
		want     string
		err      string
		requests int
	}{
		{name: "a server error, then the secret", fail: []int{500}, want: "ada", requests: 2},
		{name: "sealed, sealed, then the secret", fail: []int{503, 503}, want: "ada", requests: 3},
		{name: "sealed three times", fail: []int{503, 503, 503}, err: "code 503: Service Unavailable", requests: 3},
		{name: "no retries", fail: []int{502}, retries: "0", err: "code 502: Bad Gateway", requests: 1},
		{name: "more retries", fail: []int{500, 500, 500}, retries: "3", want: "ada", requests: 4},
		{name: "not implemented is final", fail: []int{501}, err: "code 501: Not Implemented", requests: 1},
		{name: "412 is retried", fail: []int{412}, want: "ada", requests: 2},
		{name: "429 is retried", fail: []int{429}, want: "ada", requests: 2},
		{name: "400 is final", fail: []int{400}, err: "code 400: Bad Request", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeVault()
			f.fail["secret/data/app"] = tt.fail
			startVault(t, f)
			if tt.retries != "" {
				t.Setenv("VAULT_MAX_RETRIES", tt.retries)
			}
			got, err := Vault(context.Background(), "secret/data/app", "user")
			checkResult(t, got, err, tt.want, tt.err, nil, f.token)
			if n := len(f.seen()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestVaultUnusualAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		err    string
	}{
		{name: "not JSON", status: 200, body: "<html>hello</html>", err: `reading vault secret "secret/data/app": decoding Vault's answer: invalid character '<'`},
		{name: "empty 200", status: 200, body: "", err: `vault secret "secret/data/app" not found`},
		{name: "empty 204", status: 204, err: `vault secret "secret/data/app" not found`},
		{name: "404 from a proxy", status: 404, body: "<html>no</html>", err: "code 404: <html>no</html>"},
		{name: "several errors", status: 400, body: `{"errors":["one","two"]}`, err: "code 400: one; two"},
		{name: "no errors listed", status: 500, body: `{"errors":[]}`, err: "/v1/secret/data/app: code 500"},
		{name: "redirect not followed", status: 303, body: "", err: "code 303"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("VAULT_MAX_RETRIES", "0")
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.status == 303 {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			setEnv(t, map[string]string{"VAULT_ADDR": ts.URL, "VAULT_TOKEN": "hvs.tok"})
			got, err := Vault(context.Background(), "secret/data/app", "user")
			checkResult(t, got, err, "", tt.err, nil, "hvs.tok")
		})
	}
}

func TestVaultTimeouts(t *testing.T) {
	clearEnv(t)
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	setEnv(t, map[string]string{"VAULT_ADDR": ts.URL, "VAULT_TOKEN": "hvs.tok"})

	t.Run("client timeout", func(t *testing.T) {
		t.Setenv("VAULT_CLIENT_TIMEOUT", "100ms")
		start := time.Now()
		_, err := Vault(context.Background(), "secret/data/app", "user")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want a deadline exceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %s", d)
		}
	})
	t.Run("caller's context", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := Vault(ctx, "secret/data/app", "user")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want a deadline exceeded", err)
		}
	})
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		f := newFakeVault()
		f.fail["secret/data/app"] = []int{503, 503, 503}
		startVault(t, f)
		retryWait = time.Hour
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := Vault(ctx, "secret/data/app", "user")
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "while waiting to retry (attempt 1: code 503)") {
			t.Fatalf("error %v, want a deadline exceeded after a 503", err)
		}
	})
}

func TestVaultRedirects(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		hops    int // redirects before the active node
		disable bool
		want    string
		err     string
	}{
		{name: "standby to active", status: 307, hops: 1, want: "ada"},
		{name: "302", status: 302, hops: 1, want: "ada"},
		{name: "two redirects", status: 307, hops: 2, err: "code 307"},
		{name: "redirects disabled", status: 307, hops: 1, disable: true, err: "code 307"},
		{name: "308 is not followed", status: 308, hops: 1, err: "code 308"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeVault()
			active := startVault(t, f)
			next := active.URL
			for range tt.hops {
				hop := httptest.NewServer(redirectWith(next, tt.status))
				t.Cleanup(hop.Close)
				next = hop.URL
			}
			t.Setenv("VAULT_ADDR", next)
			if tt.disable {
				t.Setenv("VAULT_DISABLE_REDIRECTS", "true")
			}
			got, err := Vault(context.Background(), "secret/data/app", "user")
			checkResult(t, got, err, tt.want, tt.err, nil, f.token)
		})
	}
}

// redirectWith redirects every request to the same path at base, with
// status.
func redirectWith(base string, status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, base+r.URL.Path, status)
	})
}

// redirectTo redirects as a Vault standby node does.
func redirectTo(base string) http.Handler { return redirectWith(base, http.StatusTemporaryRedirect) }

func TestVaultUnixSocket(t *testing.T) {
	clearEnv(t)
	f := newFakeVault()
	sock := serveUnix(t, f)
	setEnv(t, map[string]string{"VAULT_AGENT_ADDR": "unix://" + sock, "VAULT_TOKEN": f.token})
	got, err := Vault(context.Background(), "kv/app", "user")
	checkResult(t, got, err, "grace", "", nil, f.token)
}
