package secrets

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path"
	"time"
)

// Vault reads key of the Vault secret at path, as Packer's vault
// function does: GET /v1/<path> with the token of VAULT_TOKEN, then the
// key's value among the secret's data. A KV version 2 secret, read at
// <mount>/data/<name>, has its keys under data.data; any other (KV
// version 1) under data. The value must be a string.
//
// The configuration is read from the environment variables Vault's client
// reads: VAULT_ADDR (https://127.0.0.1:8200 when unset), VAULT_AGENT_ADDR,
// VAULT_TOKEN (required), VAULT_NAMESPACE, VAULT_CACERT,
// VAULT_CACERT_BYTES, VAULT_CAPATH, VAULT_CLIENT_CERT, VAULT_CLIENT_KEY,
// VAULT_SKIP_VERIFY, VAULT_TLS_SERVER_NAME, VAULT_CLIENT_TIMEOUT (60s),
// VAULT_MAX_RETRIES (2), VAULT_PROXY_ADDR or VAULT_HTTP_PROXY, and
// VAULT_DISABLE_REDIRECTS.
//
// The errors wrap ErrNotFound when the secret or its key does not exist
// and ErrNotString when the value is not a string; none holds the token.
func Vault(ctx context.Context, path, key string) (string, error) {
	c, err := vaultConfigFromEnv(os.Getenv)
	if err != nil {
		return "", err
	}
	s, err := c.read(ctx, path)
	if err != nil {
		return "", err
	}
	return s.value(path, key)
}

// retryWait is the shortest wait before a first retry; the n-th waits
// n times it, plus up to half of that at random.
var retryWait = time.Second

// errDowngrade stops a redirect from https to http.
var errDowngrade = errors.New("the redirect would downgrade https to http")

// read reads the secret at secretPath. A secret that does not exist is an
// error wrapping ErrNotFound, unless Vault answers with warnings or data
// (a KV version 2 secret whose version is deleted, for one).
func (c *vaultConfig) read(ctx context.Context, secretPath string) (*vaultSecret, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tlsConf, err := c.tls.config()
	if err != nil {
		return nil, fmt.Errorf("configuring TLS for Vault: %w", err)
	}
	client, tr := c.client(tlsConf, c.proxy, c.checkRedirect)
	defer tr.CloseIdleConnections()

	u := c.url(path.Join("/v1", secretPath))
	resp, err := c.get(ctx, client, u)
	if err != nil {
		return nil, fmt.Errorf("reading vault secret %q: %w", secretPath, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading vault secret %q: %w", secretPath, err)
	}
	notFound := fmt.Errorf("vault secret %q %w", secretPath, ErrNotFound)
	switch code := resp.StatusCode; {
	case code == http.StatusNotFound:
		s, err := parseVaultSecret(body)
		if err != nil {
			break // not Vault's answer: an error with the raw text
		}
		if s == nil || (len(s.Data) == 0 && len(s.Warnings) == 0) {
			return nil, notFound
		}
		return s, nil
	case code >= 200 && code < 300:
		s, err := parseVaultSecret(body)
		if err != nil {
			return nil, fmt.Errorf("reading vault secret %q: %w", secretPath, err)
		}
		if s == nil {
			return nil, notFound
		}
		return s, nil
	}
	return nil, fmt.Errorf("reading vault secret %q: %w", secretPath, vaultStatusError(resp, body))
}

// get sends GET u with the token and namespace, again after a failed
// connection or a server error (5xx but 501, 412, 429) up to maxRetries
// times.
func (c *vaultConfig) get(ctx context.Context, client *http.Client, u *url.URL) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Vault-Token", c.token)
		req.Header.Set("X-Vault-Request", "true")
		if c.namespace != "" {
			req.Header.Set("X-Vault-Namespace", c.namespace)
		}
		resp, err := client.Do(req)
		if attempt > c.maxRetries || !retryable(ctx, resp, err) {
			return resp, err
		}
		last := err
		if resp != nil {
			last = fmt.Errorf("code %d", resp.StatusCode)
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
			resp.Body.Close()
		}
		wait := retryWait * time.Duration(attempt)
		wait += rand.N(wait/2 + 1)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w while waiting to retry (attempt %d: %v)", ctx.Err(), attempt, last)
		case <-time.After(wait):
		}
	}
}

// retryable tells whether a request that got resp or err is sent again:
// not when the context is done or the server's certificate is refused.
func retryable(ctx context.Context, resp *http.Response, err error) bool {
	if err != nil {
		var verify *tls.CertificateVerificationError
		var record tls.RecordHeaderError
		return ctx.Err() == nil && !errors.As(err, &verify) && !errors.As(err, &record) && !errors.Is(err, errDowngrade)
	}
	code := resp.StatusCode
	return code == http.StatusPreconditionFailed || code == http.StatusTooManyRequests ||
		(code >= 500 && code != http.StatusNotImplemented)
}

// checkRedirect follows one redirect (301, 302 or 307, from a standby
// to the active node), as Vault's client, unless VAULT_DISABLE_REDIRECTS
// is set; never from https to http.
func (c *vaultConfig) checkRedirect(req *http.Request, via []*http.Request) error {
	switch req.Response.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect:
	default:
		return http.ErrUseLastResponse
	}
	if c.noRedirects || len(via) > 1 {
		return http.ErrUseLastResponse
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return errDowngrade
	}
	return nil
}
