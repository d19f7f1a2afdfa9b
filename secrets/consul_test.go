package secrets

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startConsul serves f over HTTP and points CONSUL_HTTP_ADDR at it, as a
// host:port.
func startConsul(t *testing.T, f *fakeConsul) *httptest.Server {
	t.Helper()
	clearEnv(t)
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	t.Setenv("CONSUL_HTTP_ADDR", strings.TrimPrefix(ts.URL, "http://"))
	return ts
}

func TestConsulKey(t *testing.T) {
	tests := []struct {
		key  string
		want string
		err  string
		is   error
	}{
		{key: "app/db/password", want: "s3cr3t"},
		{key: "/app/leading/slash", want: "ok"},
		{key: "app/multi line", want: "line 1\nline 2\n"},
		{key: "app/odd?#%", want: "odd"},
		{key: "app/binary", want: "\x00\x01\x02\xff"},
		{key: "app/nope", err: `consul key "app/nope" not found`, is: ErrNotFound},
		{key: "App/db/password", err: `consul key "App/db/password" not found`, is: ErrNotFound},
		{key: "app/db/", err: `consul key "app/db/" has an empty value`},
		{key: "app/empty", err: `consul key "app/empty" has an empty value`},
		{key: "", err: `reading consul key "": GET http://127.0.0.1:`},
		{key: "", err: "/v1/kv/: code 400: Missing key name"},
		{key: "app/broken", err: "/v1/kv/app/broken: code 500: rpc error making call: Internal Server Error"},
	}
	f := newFakeConsul()
	startConsul(t, f)
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, err := ConsulKey(context.Background(), tt.key)
			checkResult(t, got, err, tt.want, tt.err, tt.is, "")
		})
	}
	for _, r := range f.seen() {
		if r.Header.Get("X-Consul-Token") != "" || r.Header.Get("Authorization") != "" || r.URL.RawQuery != "" {
			t.Errorf("%s: token %q, authorization %q, query %q without configuration", r.URL, r.Header.Get("X-Consul-Token"), r.Header.Get("Authorization"), r.URL.RawQuery)
		}
	}
}

func TestConsulConfig(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("  file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(emptyFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		fake  func(*fakeConsul)
		env   map[string]string // {{addr}} is the fake's host:port
		want  string
		err   string
		token string // that no error may show
	}{
		{name: "token", fake: func(f *fakeConsul) { f.token = "env-token" }, env: map[string]string{"CONSUL_HTTP_TOKEN": "env-token"}, want: "s3cr3t"},
		{name: "token missing", fake: func(f *fakeConsul) { f.token = "env-token" }, err: `code 403: Permission denied: anonymous token lacks permission 'key:read' on "app/db/password"`},
		{name: "token unknown", fake: func(f *fakeConsul) { f.token = "env-token" }, env: map[string]string{"CONSUL_HTTP_TOKEN": "other-token"}, err: "code 403: ACL not found", token: "other-token"},
		{name: "token file wins", fake: func(f *fakeConsul) { f.token = "file-token" }, env: map[string]string{"CONSUL_HTTP_TOKEN": "env-token", "CONSUL_HTTP_TOKEN_FILE": tokenFile}, want: "s3cr3t"},
		{name: "empty token file", fake: func(f *fakeConsul) { f.token = "env-token" }, env: map[string]string{"CONSUL_HTTP_TOKEN": "env-token", "CONSUL_HTTP_TOKEN_FILE": emptyFile}, want: "s3cr3t"},
		{name: "token file missing", env: map[string]string{"CONSUL_HTTP_TOKEN_FILE": "/nonexistent/token"}, err: "reading CONSUL_HTTP_TOKEN_FILE: open /nonexistent/token"},
		{name: "basic auth", fake: func(f *fakeConsul) { f.user, f.password = "ada", "pa:ss" }, env: map[string]string{"CONSUL_HTTP_AUTH": "ada:pa:ss"}, want: "s3cr3t"},
		{name: "basic auth user only", fake: func(f *fakeConsul) { f.user = "ada" }, env: map[string]string{"CONSUL_HTTP_AUTH": "ada"}, want: "s3cr3t"},
		{name: "basic auth wrong", fake: func(f *fakeConsul) { f.user, f.password = "ada", "pass" }, env: map[string]string{"CONSUL_HTTP_AUTH": "ada:nope"}, err: "code 401: Unauthorized", token: "nope"},
		{name: "namespace and partition", fake: func(f *fakeConsul) { f.namespace, f.partition = "team", "eu" }, env: map[string]string{"CONSUL_NAMESPACE": "team", "CONSUL_PARTITION": "eu"}, want: "s3cr3t"},
		{name: "namespace missing", fake: func(f *fakeConsul) { f.namespace = "team" }, err: "not found"},
		{name: "http:// address", env: map[string]string{"CONSUL_HTTP_ADDR": "http://{{addr}}"}, want: "s3cr3t"},
		{name: "unknown scheme", env: map[string]string{"CONSUL_HTTP_ADDR": "ftp://{{addr}}"}, err: `the address in CONSUL_HTTP_ADDR has an unknown scheme "ftp"`},
		{name: "no host", env: map[string]string{"CONSUL_HTTP_ADDR": "http:///v1"}, err: `the address in CONSUL_HTTP_ADDR, "/v1", has no host`},
		{name: "bad ssl flag", env: map[string]string{"CONSUL_HTTP_SSL": "yes please"}, err: "parsing CONSUL_HTTP_SSL"},
		{name: "bad verify flag", env: map[string]string{"CONSUL_HTTP_SSL_VERIFY": "nah"}, err: "parsing CONSUL_HTTP_SSL_VERIFY"},
		{name: "https to plain http", env: map[string]string{"CONSUL_HTTP_SSL": "true"}, err: "http: server gave HTTP response to HTTPS client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeConsul()
			if tt.fake != nil {
				tt.fake(f)
			}
			ts := startConsul(t, f)
			addr := strings.TrimPrefix(ts.URL, "http://")
			for k, v := range tt.env {
				t.Setenv(k, strings.ReplaceAll(v, "{{addr}}", addr))
			}
			got, err := ConsulKey(context.Background(), "app/db/password")
			checkResult(t, got, err, tt.want, strings.ReplaceAll(tt.err, "{{addr}}", addr), nil, cmpOr(tt.token, f.token, f.password))
		})
	}
}

// cmpOr is the first of vs that is not empty.
func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func TestConsulTLS(t *testing.T) {
	f := newFakeConsul()
	clearEnv(t)
	ts := newTLSServer(t, f, nil, nil)
	dir := t.TempDir()
	ca := writePEM(t, dir, ts.Certificate())
	hostPort := strings.TrimPrefix(ts.URL, "https://")

	tests := []struct {
		name string
		env  map[string]string
		want string
		err  string
	}{
		{name: "https:// address, unknown authority", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL}, err: "certificate signed by unknown authority"},
		{name: "https:// address with a CA", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_CACERT": ca}, want: "s3cr3t"},
		{name: "CONSUL_HTTP_SSL", env: map[string]string{"CONSUL_HTTP_ADDR": hostPort, "CONSUL_HTTP_SSL": "true", "CONSUL_CACERT": ca}, want: "s3cr3t"},
		{name: "CONSUL_HTTP_SSL over http://", env: map[string]string{"CONSUL_HTTP_ADDR": "http://" + hostPort, "CONSUL_HTTP_SSL": "1", "CONSUL_CACERT": ca}, want: "s3cr3t"},
		{name: "CA directory", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_CAPATH": dir}, want: "s3cr3t"},
		{name: "no verification", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_HTTP_SSL_VERIFY": "false"}, want: "s3cr3t"},
		{name: "verification kept", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_HTTP_SSL_VERIFY": "true"}, err: "certificate signed by unknown authority"},
		{name: "server name with a port", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_CACERT": ca, "CONSUL_TLS_SERVER_NAME": "example.com:8501"}, want: "s3cr3t"},
		{name: "wrong server name", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_CACERT": ca, "CONSUL_TLS_SERVER_NAME": "consul.other.test"}, err: "certificate is valid for"},
		{name: "bad CA", env: map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_CACERT": "/nonexistent.pem"}, err: "configuring TLS for Consul: reading the CA certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, tt.env)
			got, err := ConsulKey(context.Background(), "app/db/password")
			checkResult(t, got, err, tt.want, tt.err, nil, "")
		})
	}
}

func TestConsulClientCertificate(t *testing.T) {
	clearEnv(t)
	f := newFakeConsul()
	certFile, keyFile, pool := clientCert(t)
	ts := newTLSServer(t, f, pool, nil)
	ca := writePEM(t, t.TempDir(), ts.Certificate())
	setEnv(t, map[string]string{"CONSUL_HTTP_ADDR": ts.URL, "CONSUL_CACERT": ca})
	if _, err := ConsulKey(context.Background(), "app/db/password"); err == nil {
		t.Fatal("read without a client certificate")
	}
	setEnv(t, map[string]string{"CONSUL_CLIENT_CERT": certFile, "CONSUL_CLIENT_KEY": keyFile})
	got, err := ConsulKey(context.Background(), "app/db/password")
	checkResult(t, got, err, "s3cr3t", "", nil, "")
}

// Consul behind a reverse proxy, at a path of its own.
func TestConsulPathPrefix(t *testing.T) {
	f := newFakeConsul()
	clearEnv(t)
	ts := httptest.NewServer(http.StripPrefix("/consul", f))
	defer ts.Close()
	t.Setenv("CONSUL_HTTP_ADDR", ts.URL+"/consul")
	got, err := ConsulKey(context.Background(), "app/db/password")
	checkResult(t, got, err, "s3cr3t", "", nil, "")
}

func TestConsulUnixSocket(t *testing.T) {
	clearEnv(t)
	sock := serveUnix(t, newFakeConsul())
	t.Setenv("CONSUL_HTTP_ADDR", "unix://"+sock)
	got, err := ConsulKey(context.Background(), "app/db/password")
	checkResult(t, got, err, "s3cr3t", "", nil, "")
}

func TestConsulContext(t *testing.T) {
	f := newFakeConsul()
	f.block = make(chan struct{})
	defer close(f.block)
	startConsul(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ConsulKey(ctx, "app/db/password")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}
