package secrets

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// fakeConsul answers key/value reads as a Consul agent does: a JSON list
// of one entry with the value in base64 (null for a key without one), an
// empty 404 for a missing key, 403 with a text error for a missing or
// unknown ACL token.
type fakeConsul struct {
	token     string // the token required, if any
	user      string // HTTP basic authentication (a proxy's), if any
	password  string
	namespace string            // the namespace of kv (the ns parameter), if any
	partition string            // the admin partition of kv, if any
	kv        map[string][]byte // key → value; nil: a key without a value
	status    map[string]int    // key → a status answered instead
	block     chan struct{}     // when set, answers wait for it to close

	mu       sync.Mutex
	requests []*http.Request
}

func (f *fakeConsul) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
	if f.block != nil {
		select {
		case <-f.block:
		case <-r.Context().Done():
			return
		}
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/v1/kv/")
	switch {
	case !ok:
		http.NotFound(w, r)
		return
	case f.user != "":
		if u, p, ok := r.BasicAuth(); !ok || u != f.user || p != f.password {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
	}
	if code := f.status[key]; code != 0 {
		http.Error(w, "rpc error making call: "+http.StatusText(code), code)
		return
	}
	switch tok := r.Header.Get("X-Consul-Token"); {
	case f.token != "" && tok == "":
		http.Error(w, `Permission denied: anonymous token lacks permission 'key:read' on "`+key+`". The anonymous token is used implicitly when a request does not specify a token.`, http.StatusForbidden)
		return
	case tok != f.token:
		http.Error(w, "ACL not found", http.StatusForbidden)
		return
	}
	if key == "" {
		http.Error(w, "Missing key name", http.StatusBadRequest)
		return
	}
	w.Header().Set("X-Consul-Index", "42")
	w.Header().Set("X-Consul-Knownleader", "true")
	value, ok := f.kv[key]
	if !ok || r.URL.Query().Get("ns") != f.namespace || r.URL.Query().Get("partition") != f.partition {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode([]map[string]any{{
		"LockIndex": 0, "Key": key, "Flags": 0, "Value": value, "CreateIndex": 42, "ModifyIndex": 42,
	}})
}

// seen returns the requests the agent got.
func (f *fakeConsul) seen() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

// newFakeConsul is a fake Consul agent with a few keys.
func newFakeConsul() *fakeConsul {
	return &fakeConsul{
		kv: map[string][]byte{
			"app/db/password":   []byte("s3cr3t"),
			"app/db/":           nil,
			"app/empty":         {},
			"app/multi line":    []byte("line 1\nline 2\n"),
			"app/odd?#%":        []byte("odd"),
			"app/binary":        {0, 1, 2, 0xff},
			"app/leading/slash": []byte("ok"),
		},
		status: map[string]int{"app/broken": http.StatusInternalServerError},
	}
}
