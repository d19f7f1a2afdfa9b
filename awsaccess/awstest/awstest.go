// Package awstest serves the AWS JSON-protocol calls kiln makes (ECR and
// ECR Public authorization tokens, Secrets Manager reads) from a local
// HTTP server, for tests: no AWS endpoint is reachable from the machines
// the tests run on.
package awstest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
)

// Targets of the calls kiln makes (the X-Amz-Target header).
const (
	TargetECRToken       = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
	TargetECRPublicToken = "SpencerFrontendService.GetAuthorizationToken"
	TargetGetSecretValue = "secretsmanager.GetSecretValue"
)

// Answer answers one call: the HTTP status and the JSON body.
type Answer func(body map[string]any) (int, any)

// Server answers the calls of Serve and records them.
type Server struct {
	t       testing.TB
	answers map[string]Answer
	mu      sync.Mutex
	calls   []Call
}

// Call is a call the server received.
type Call struct {
	// Target is the X-Amz-Target header, Auth the Authorization header.
	Target, Auth string
	Body         map[string]any
}

// Calls returns the calls received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Last returns the last call received.
func (s *Server) Last() Call {
	c := s.Calls()
	if len(c) == 0 {
		s.t.Fatal("awstest: no call received")
	}
	return c[len(c)-1]
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		s.t.Errorf("awstest: request body %q: %v", b, err)
	}
	target := r.Header.Get("X-Amz-Target")
	s.mu.Lock()
	s.calls = append(s.calls, Call{Target: target, Auth: r.Header.Get("Authorization"), Body: body})
	s.mu.Unlock()
	answer, ok := s.answers[target]
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "UnknownOperationException"})
		return
	}
	code, v := answer(body)
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// Serve starts a server with answers and points every AWS service of the
// SDK at it (AWS_ENDPOINT_URL), in an environment with test credentials
// (AKIDENV), region eu-central-1 and no shared configuration or instance
// metadata.
func Serve(t testing.TB, answers map[string]Answer) *Server {
	s := &Server{t: t, answers: answers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            srv.URL,
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ACCESS_KEY_ID":           "AKIDENV",
		"AWS_SECRET_ACCESS_KEY":       "env-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "eu-central-1",
		"AWS_PROFILE":                 "",
		"AWS_DEFAULT_REGION":          "",
	} {
		t.Setenv(k, v)
	}
	return s
}

// Token encodes user:password as ECR encodes its authorization tokens.
func Token(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// ECRAnswer answers GetAuthorizationToken with a token for user and
// password.
func ECRAnswer(user, password string) Answer {
	return func(map[string]any) (int, any) {
		return http.StatusOK, map[string]any{"authorizationData": []any{map[string]any{"authorizationToken": Token(user, password)}}}
	}
}
