package secrets

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// fakeVault answers reads as a Vault server does, with a KV version 2
// engine mounted at secret/ and a version 1 engine at kv/. Its answers
// have the shapes of Vault's HTTP API: {"errors": [...]} with 403 and
// 404, warnings with a 404 for a KV version 2 path without data/, the
// secret's data under data (v1) or data.data (v2).
type fakeVault struct {
	token     string                    // the only token accepted
	namespace string                    // the namespace token and secrets live in
	v2        map[string]map[string]any // name → data; nil data: a deleted version
	v1        map[string]map[string]any // name → data
	// fail lists, by path (after /v1/), statuses answered before the
	// real answer, one per request.
	fail map[string][]int

	mu       sync.Mutex
	requests []*http.Request
}

// kvInvalidPath is the warning Vault's KV version 2 engine gives for a
// read outside data/ and metadata/.
const kvInvalidPath = "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation."

func (f *fakeVault) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	var status int
	p, isAPI := strings.CutPrefix(r.URL.Path, "/v1/")
	if fails := f.fail[p]; len(fails) > 0 {
		status, f.fail[p] = fails[0], fails[1:]
	}
	f.mu.Unlock()

	switch {
	case !isAPI:
		http.NotFound(w, r)
	case status != 0:
		reply(w, status, map[string]any{"errors": []string{http.StatusText(status)}})
	case r.Method != http.MethodGet:
		reply(w, http.StatusMethodNotAllowed, map[string]any{"errors": []string{"unsupported operation"}})
	case r.Header.Get("X-Vault-Token") != f.token || r.Header.Get("X-Vault-Namespace") != f.namespace:
		reply(w, http.StatusForbidden, map[string]any{"errors": []string{"permission denied"}})
	default:
		f.read(w, p)
	}
}

// read answers a read of p with a valid token.
func (f *fakeVault) read(w http.ResponseWriter, p string) {
	notFound := map[string]any{"errors": []string{}}
	if rest, ok := strings.CutPrefix(p, "secret/"); ok {
		name, ok := strings.CutPrefix(rest, "data/")
		if !ok {
			reply(w, http.StatusNotFound, secretAnswer(nil, []string{kvInvalidPath}))
			return
		}
		data, ok := f.v2[name]
		switch {
		case !ok:
			reply(w, http.StatusNotFound, notFound)
		case data == nil:
			meta := map[string]any{"created_time": "2024-05-01T10:00:00Z", "deletion_time": "2024-05-02T10:00:00Z", "destroyed": false, "version": 2}
			reply(w, http.StatusNotFound, secretAnswer(map[string]any{"data": nil, "metadata": meta}, nil))
		default:
			meta := map[string]any{"created_time": "2024-05-01T10:00:00Z", "custom_metadata": nil, "deletion_time": "", "destroyed": false, "version": 1}
			reply(w, http.StatusOK, secretAnswer(map[string]any{"data": data, "metadata": meta}, nil))
		}
		return
	}
	if name, ok := strings.CutPrefix(p, "kv/"); ok {
		if data, ok := f.v1[name]; ok {
			reply(w, http.StatusOK, secretAnswer(data, nil))
		} else {
			reply(w, http.StatusNotFound, notFound)
		}
		return
	}
	reply(w, http.StatusNotFound, map[string]any{"errors": []string{`no handler for route "` + p + `". route entry not found.`}})
}

// secretAnswer is Vault's answer holding a secret's data and warnings.
func secretAnswer(data map[string]any, warnings []string) map[string]any {
	a := map[string]any{
		"request_id": "5e4a6e1c-8b1e-4c5f-9e2a-0f4f0d1c2b3a", "lease_id": "", "renewable": false,
		"lease_duration": 0, "data": nil, "wrap_info": nil, "warnings": nil, "auth": nil,
	}
	if data != nil {
		a["data"] = data
	}
	if warnings != nil {
		a["warnings"] = warnings
	}
	return a
}

// reply writes v as a JSON answer with status.
func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// seen returns the requests the server got.
func (f *fakeVault) seen() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

// newFakeVault is a fake Vault with a few secrets of every kind.
func newFakeVault() *fakeVault {
	return &fakeVault{
		token: "hvs.test-token-6d1b",
		v2: map[string]map[string]any{
			"app":     {"user": "ada", "password": "s3cr3t", "port": 5432, "admin": true, "tags": []any{"a"}, "nested": map[string]any{"a": "b"}, "none": nil},
			"deleted": nil,
		},
		v1: map[string]map[string]any{
			"app":   {"user": "grace", "password": "hunter2"},
			"odd":   {"data": "a v1 key named data", "other": "x"},
			"oddv2": {"data": map[string]any{"inner": "in"}, "outer": "out"},
			"empty": {},
		},
		fail: map[string][]int{},
	}
}
