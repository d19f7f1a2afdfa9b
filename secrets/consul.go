package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// ConsulKey reads the value of key from Consul's key/value store, as
// Packer's consul_key function does: GET /v1/kv/<key>. A key that does
// not exist is an error wrapping ErrNotFound, and so is an empty value
// an error, as in Packer.
//
// The configuration is read from the environment variables Consul's
// client reads: CONSUL_HTTP_ADDR (127.0.0.1:8500 when unset; https when
// it starts with https:// or CONSUL_HTTP_SSL is true; unix:// for a
// socket), CONSUL_HTTP_TOKEN or CONSUL_HTTP_TOKEN_FILE, CONSUL_HTTP_AUTH
// (user:password), CONSUL_CACERT, CONSUL_CAPATH, CONSUL_CLIENT_CERT,
// CONSUL_CLIENT_KEY, CONSUL_TLS_SERVER_NAME, CONSUL_HTTP_SSL_VERIFY,
// CONSUL_NAMESPACE and CONSUL_PARTITION. A read gives up after a minute.
func ConsulKey(ctx context.Context, key string) (string, error) {
	c, err := consulConfigFromEnv(os.Getenv)
	if err != nil {
		return "", err
	}
	b, err := c.read(ctx, key)
	if err != nil {
		return "", fmt.Errorf("reading consul key %q: %w", key, err)
	}
	if b == nil {
		return "", fmt.Errorf("consul key %q %w", key, ErrNotFound)
	}
	if len(b) == 0 {
		return "", fmt.Errorf("consul key %q has an empty value", key)
	}
	return string(b), nil
}

// read returns the value of key, or nil when it does not exist.
func (c *consulConfig) read(ctx context.Context, key string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()
	tlsConf, err := c.tls.config()
	if err != nil {
		return nil, fmt.Errorf("configuring TLS for Consul: %w", err)
	}
	client, tr := c.client(tlsConf, nil, nil)
	defer tr.CloseIdleConnections()

	u := c.url("/v1/kv/" + strings.TrimPrefix(key, "/"))
	q := url.Values{}
	if c.namespace != "" {
		q.Set("ns", c.namespace)
	}
	if c.partition != "" {
		q.Set("partition", c.partition)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("X-Consul-Token", c.token)
	}
	if c.auth != nil {
		pass, _ := c.auth.Password()
		req.SetBasicAuth(c.auth.Username(), pass)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, nil
	default:
		return nil, &statusError{method: req.Method, url: resp.Request.URL.Redacted(), code: resp.StatusCode, messages: plainMessage(body)}
	}
	var pairs []struct {
		Value []byte // base64 in the JSON; null for a key without a value
	}
	if err := json.Unmarshal(body, &pairs); err != nil {
		return nil, fmt.Errorf("decoding Consul's answer: %w", err)
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	if pairs[0].Value == nil {
		return []byte{}, nil
	}
	return pairs[0].Value, nil
}
