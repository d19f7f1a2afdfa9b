package secrets

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// defaultVaultAddr is Vault's address when VAULT_ADDR is not set.
const defaultVaultAddr = "https://127.0.0.1:8200"

// vaultConfig is how to reach Vault, from the environment variables
// Vault's own Go client reads.
type vaultConfig struct {
	endpoint
	token       string
	namespace   string // sent as X-Vault-Namespace when set
	tls         tlsSettings
	timeout     time.Duration // for the whole read, retries included
	maxRetries  int           // after a server error or a failed connection
	proxy       *url.URL      // VAULT_PROXY_ADDR, over the usual HTTPS_PROXY
	noRedirects bool
}

// vaultConfigFromEnv reads the configuration from getenv. Like Packer's
// vault function, it needs VAULT_TOKEN: the token helper's file
// (~/.vault-token) is the vault command's, not its client library's.
func vaultConfigFromEnv(getenv func(string) string) (*vaultConfig, error) {
	c := &vaultConfig{
		token:     getenv("VAULT_TOKEN"),
		namespace: getenv("VAULT_NAMESPACE"),
		tls: tlsSettings{
			caFile:     getenv("VAULT_CACERT"),
			caPEM:      []byte(getenv("VAULT_CACERT_BYTES")),
			caPath:     getenv("VAULT_CAPATH"),
			certFile:   getenv("VAULT_CLIENT_CERT"),
			keyFile:    getenv("VAULT_CLIENT_KEY"),
			serverName: getenv("VAULT_TLS_SERVER_NAME"),
		},
		timeout:    defaultTimeout,
		maxRetries: 2,
	}
	if c.token == "" {
		return nil, errors.New("must set VAULT_TOKEN to use the vault function")
	}
	if strings.ContainsFunc(c.token, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return nil, errors.New("the token in VAULT_TOKEN has non-printable characters")
	}
	// The agent's address, when set, is used over the server's.
	name := "VAULT_AGENT_ADDR"
	addr := getenv(name)
	if addr == "" {
		name = "VAULT_ADDR"
		addr = cmp.Or(getenv(name), defaultVaultAddr)
	}
	var err error
	if c.endpoint, err = vaultEndpoint(name, addr); err != nil {
		return nil, err
	}
	if c.tls.insecure, err = envBool(getenv, "VAULT_SKIP_VERIFY"); err != nil {
		return nil, err
	}
	if c.noRedirects, err = envBool(getenv, "VAULT_DISABLE_REDIRECTS"); err != nil {
		return nil, err
	}
	if v := getenv("VAULT_CLIENT_TIMEOUT"); v != "" {
		d, err := parseSeconds(v)
		if err != nil {
			return nil, fmt.Errorf("parsing VAULT_CLIENT_TIMEOUT: %w", err)
		}
		if d > 0 {
			c.timeout = d
		}
	}
	if v := getenv("VAULT_MAX_RETRIES"); v != "" {
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("parsing VAULT_MAX_RETRIES: %w", err)
		}
		c.maxRetries = int(n)
	}
	if v := cmp.Or(getenv("VAULT_PROXY_ADDR"), getenv("VAULT_HTTP_PROXY")); v != "" {
		if c.proxy, err = parseURL(v); err != nil {
			return nil, fmt.Errorf("parsing the Vault proxy address: %w", err)
		}
	}
	return c, nil
}

// vaultEndpoint is the endpoint of the address addr, read from the
// variable name: an http or https URL, or unix:// and a socket's path.
func vaultEndpoint(name, addr string) (endpoint, error) {
	if socket, ok := strings.CutPrefix(addr, "unix://"); ok {
		return unixEndpoint(socket), nil
	}
	u, err := parseURL(addr)
	if err != nil {
		return endpoint{}, fmt.Errorf("parsing the address in %s: %w", name, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return endpoint{}, fmt.Errorf("the address in %s, %q, is not an http://, https:// or unix:// address", name, u.Redacted())
	}
	return endpoint{base: url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host, Path: u.Path}}, nil
}

// parseSeconds reads a duration as Vault does: a number of seconds, or
// a Go duration ("90s", "2m").
func parseSeconds(s string) (time.Duration, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > int64(time.Duration(1<<63-1)/time.Second) {
			return 0, fmt.Errorf("%d seconds is out of range", n)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("%s is negative", s)
	}
	return d, nil
}
