package secrets

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound is wrapped by the errors saying that a Vault secret, a
	// key of a Vault secret or a Consul key does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNotString is wrapped by the error saying that the value of a
	// Vault secret's key is not a string (a number, a list, …): the
	// template functions return strings only.
	ErrNotString = errors.New("not a string")
)

// maxMessage is how much of a service's error text an error repeats.
const maxMessage = 1024

// statusError is a service's answer with an unexpected HTTP status.
type statusError struct {
	method, url string // url without its password, if any
	code        int
	messages    []string // what the service said, if anything
}

func (e *statusError) Error() string {
	msg := fmt.Sprintf("%s %s: code %d", e.method, e.url, e.code)
	if len(e.messages) > 0 {
		msg += ": " + strings.Join(e.messages, "; ")
	}
	return msg
}

// plainMessage is an error body as text, trimmed and cut short, or
// nothing for an empty body.
func plainMessage(body []byte) []string {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return nil
	}
	if len(s) > maxMessage {
		s = strings.ToValidUTF8(s[:maxMessage], "") + "…"
	}
	return []string{s}
}
