package secrets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// vaultSecret is what the vault function uses of Vault's answer to a
// read.
type vaultSecret struct {
	Data     map[string]any `json:"data"`
	Warnings []string       `json:"warnings"`
}

// parseVaultSecret decodes Vault's answer; an empty one is no secret.
func parseVaultSecret(body []byte) (*vaultSecret, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var s vaultSecret
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decoding Vault's answer: %w", err)
	}
	return &s, nil
}

// value is the value of key in s, read at p, as Packer's vault function
// finds it: under data.data when the secret's data has a "data" key (KV
// version 2), else under data (KV version 1).
//
// Where Packer's function panics, this one fails plainly: a value that is
// not a string, a "data" that is not an object (then a KV version 1 key,
// looked up as such) or that is null (a deleted version).
func (s *vaultSecret) value(p, key string) (string, error) {
	if inner, ok := s.Data["data"]; ok {
		switch d := inner.(type) {
		case map[string]any:
			v, ok := d[key]
			if !ok {
				return "", fmt.Errorf("key %q %w in vault secret %q", key, ErrNotFound, p)
			}
			return vaultString(v, p, key)
		case nil:
			if _, v2 := s.Data["metadata"]; v2 {
				return "", fmt.Errorf("vault secret %q has no data, key %q %w: the version read is deleted or destroyed", p, key, ErrNotFound)
			}
		}
	}
	if v, ok := s.Data[key]; ok {
		return vaultString(v, p, key)
	}
	if len(s.Data) > 0 {
		return "", fmt.Errorf("key %q %w in vault secret %q", key, ErrNotFound, p)
	}
	hint := "a KV version 2 secret is read at <mount>/data/<name>"
	if len(s.Warnings) > 0 {
		hint += "; Vault warned: " + strings.Join(s.Warnings, "; ")
	}
	return "", fmt.Errorf("vault secret %q has no data, key %q %w (%s)", p, key, ErrNotFound, hint)
}

// vaultString is v, the value of key at p, when it is a string.
func vaultString(v any, p, key string) (string, error) {
	var kind string
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		kind = "a number"
	case bool:
		kind = "a bool"
	case nil:
		kind = "null"
	case []any:
		kind = "a list"
	default:
		kind = "an object"
	}
	return "", fmt.Errorf("key %q of vault secret %q is %s, %w", key, p, kind, ErrNotString)
}

// vaultStatusError is the error of Vault's answer resp, whose body is
// body: the errors Vault lists ({"errors": [...]}), or the raw text.
func vaultStatusError(resp *http.Response, body []byte) error {
	e := &statusError{method: resp.Request.Method, url: resp.Request.URL.Redacted(), code: resp.StatusCode}
	var answer struct {
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(body, &answer); err == nil {
		e.messages = answer.Errors
	} else {
		e.messages = plainMessage(body)
	}
	return e
}
