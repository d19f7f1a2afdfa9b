package secrets

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// defaultConsulAddr is Consul's address when CONSUL_HTTP_ADDR is not set.
const defaultConsulAddr = "127.0.0.1:8500"

// consulConfig is how to reach Consul, from the environment variables
// Consul's own Go client reads.
type consulConfig struct {
	endpoint
	token     string        // sent as X-Consul-Token when set
	auth      *url.Userinfo // HTTP basic authentication, when set
	tls       tlsSettings
	namespace string // the ns parameter (Consul Enterprise)
	partition string // the partition parameter (Consul Enterprise)
}

// consulConfigFromEnv reads the configuration from getenv.
func consulConfigFromEnv(getenv func(string) string) (*consulConfig, error) {
	c := &consulConfig{
		token:     getenv("CONSUL_HTTP_TOKEN"),
		namespace: getenv("CONSUL_NAMESPACE"),
		partition: getenv("CONSUL_PARTITION"),
		tls: tlsSettings{
			caFile:     getenv("CONSUL_CACERT"),
			caPath:     getenv("CONSUL_CAPATH"),
			certFile:   getenv("CONSUL_CLIENT_CERT"),
			keyFile:    getenv("CONSUL_CLIENT_KEY"),
			serverName: getenv("CONSUL_TLS_SERVER_NAME"),
		},
	}
	ssl, err := envBool(getenv, "CONSUL_HTTP_SSL")
	if err != nil {
		return nil, err
	}
	if c.endpoint, err = consulEndpoint(cmp.Or(getenv("CONSUL_HTTP_ADDR"), defaultConsulAddr), ssl); err != nil {
		return nil, err
	}
	// The token file, when it holds one, wins over CONSUL_HTTP_TOKEN.
	if f := getenv("CONSUL_HTTP_TOKEN_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading CONSUL_HTTP_TOKEN_FILE: %w", err)
		}
		if t := strings.TrimSpace(string(b)); t != "" {
			c.token = t
		}
	}
	if a := getenv("CONSUL_HTTP_AUTH"); a != "" {
		if user, pass, ok := strings.Cut(a, ":"); ok {
			c.auth = url.UserPassword(user, pass)
		} else {
			c.auth = url.User(a)
		}
	}
	if v := getenv("CONSUL_HTTP_SSL_VERIFY"); v != "" {
		verify, err := envBool(getenv, "CONSUL_HTTP_SSL_VERIFY")
		if err != nil {
			return nil, err
		}
		c.tls.insecure = !verify
	}
	// The server name is a host name: a port is dropped, as Consul does.
	if host, _, err := net.SplitHostPort(c.tls.serverName); err == nil {
		c.tls.serverName = host
	}
	return c, nil
}

// consulEndpoint is the endpoint of CONSUL_HTTP_ADDR's addr: host:port,
// an http:// or https:// URL (with a path prefix, for Consul behind a
// proxy), or unix:// and a socket's path. https is used for https://
// addresses and when CONSUL_HTTP_SSL is true (ssl).
func consulEndpoint(addr string, ssl bool) (endpoint, error) {
	scheme := "http"
	if ssl {
		scheme = "https"
	}
	if s, rest, ok := strings.Cut(addr, "://"); ok {
		switch s {
		case "http": // CONSUL_HTTP_SSL still asks for https
		case "https":
			scheme = "https"
		case "unix":
			ep := unixEndpoint(rest)
			ep.base.Scheme = scheme
			return ep, nil
		default:
			return endpoint{}, fmt.Errorf("the address in CONSUL_HTTP_ADDR has an unknown scheme %q", s)
		}
		addr = rest
	}
	host, prefix, _ := strings.Cut(addr, "/")
	if host == "" {
		return endpoint{}, fmt.Errorf("the address in CONSUL_HTTP_ADDR, %q, has no host", addr)
	}
	ep := endpoint{base: url.URL{Scheme: scheme, Host: host}}
	if prefix != "" {
		ep.base.Path = "/" + prefix
	}
	return ep, nil
}
