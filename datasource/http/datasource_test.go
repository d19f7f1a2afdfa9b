package http

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// server answers on 127.0.0.1 with what it was asked.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
			return
		case "/binary":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte{0, 1, 2})
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Method", r.Method)
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"method":"`+r.Method+`","auth":"`+r.Header.Get("Authorization")+`","body":"`+string(b)+`"}`)
	}))
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func execute(t *testing.T, cfg map[string]any) (cty.Value, string, error) {
	t.Helper()
	var warn bytes.Buffer
	d := &Datasource{Warnings: &warn}
	if err := d.Configure(cfg); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	v, err := d.Execute(t.Context())
	if err == nil {
		// The value has the type OutputSpec describes.
		if want := hcldec.ImpliedType(d.OutputSpec()); !v.Type().Equals(want) {
			t.Errorf("type %s, want %s", v.Type().FriendlyName(), want.FriendlyName())
		}
	}
	return v, warn.String(), err
}

func TestExecute(t *testing.T) {
	s := server(t)
	v, warn, err := execute(t, map[string]any{
		"url": s.URL + "/echo", "method": "POST", "request_body": "payload",
		"request_headers": map[string]any{"Authorization": "Bearer x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.GetAttr("body").AsString(), `{"method":"POST","auth":"Bearer x","body":"payload"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if code, _ := v.GetAttr("status_code").AsBigFloat().Int64(); code != 201 {
		t.Errorf("status_code = %d", code)
	}
	for _, attr := range []string{"headers", "request_headers"} {
		if got := v.GetAttr(attr).Index(cty.StringVal("X-Multi")).AsString(); got != "a, b" {
			t.Errorf("%s[X-Multi] = %q, want %q", attr, got, "a, b")
		}
	}
	if v.GetAttr("url").AsString() != s.URL+"/echo" || warn != "" {
		t.Errorf("url %q, warning %q", v.GetAttr("url").AsString(), warn)
	}

	v, _, err = execute(t, map[string]any{"url": s.URL + "/get"})
	if err != nil || !strings.Contains(v.GetAttr("body").AsString(), `"method":"GET"`) {
		t.Errorf("default method: %v %v", v, err)
	}
	if _, _, err := execute(t, map[string]any{"url": s.URL + "/missing"}); err == nil || !strings.Contains(err.Error(), "response code: 404") {
		t.Errorf("404: %v", err)
	}
	if _, warn, err := execute(t, map[string]any{"url": s.URL + "/binary"}); err != nil || !strings.Contains(warn, "not recognized as a text type") {
		t.Errorf("binary: %v, warning %q", err, warn)
	}
}

// Every method Packer allows reaches the server as given.
func TestMethods(t *testing.T) {
	s := server(t)
	for _, m := range []string{"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"} {
		v, _, err := execute(t, map[string]any{"url": s.URL + "/echo", "method": m})
		if err != nil {
			t.Errorf("%s: %v", m, err)
			continue
		}
		if got := v.GetAttr("headers").Index(cty.StringVal("X-Method")).AsString(); got != m {
			t.Errorf("%s: the server saw %s", m, got)
		}
		body := v.GetAttr("body").AsString()
		if (m == "HEAD") != (body == "") {
			t.Errorf("%s: body %q", m, body)
		}
	}
}

func TestConfigure(t *testing.T) {
	for _, tc := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{}, "url"},
		{map[string]any{"url": "http://x", "method": "FETCH"}, "the `method` must be one of"},
	} {
		if err := (&Datasource{}).Configure(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Configure(%v) = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
