package secrets

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// defaultTimeout bounds a whole call, retries included, unless the
// environment sets another (VAULT_CLIENT_TIMEOUT).
const defaultTimeout = 60 * time.Second

// maxBody is the largest answer read from a service: secrets are small.
const maxBody = 32 << 20

// tlsSettings is the TLS material a client is configured with.
type tlsSettings struct {
	caFile     string // a PEM file of CA certificates
	caPEM      []byte // PEM CA certificates
	caPath     string // a directory of PEM CA certificate files
	certFile   string // the client certificate, with keyFile
	keyFile    string
	serverName string // the name the server's certificate must have
	insecure   bool   // do not verify the server's certificate
}

// config is the client TLS configuration of s: the system's roots unless s
// names CA certificates (a file first, then PEM text, then a directory,
// as the services' clients choose).
func (s tlsSettings) config() (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: s.serverName, InsecureSkipVerify: s.insecure}
	switch {
	case s.certFile != "" && s.keyFile != "":
		cert, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
		if err != nil {
			return nil, fmt.Errorf("loading the client certificate: %w", err)
		}
		// Present the certificate whatever CAs the server asks for.
		c.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	case s.certFile != "" || s.keyFile != "":
		return nil, errors.New("a client certificate needs both the certificate and its key")
	}
	roots, err := s.roots()
	if err != nil {
		return nil, err
	}
	c.RootCAs = roots
	return c, nil
}

// roots reads the CA certificates s names, or returns nil for the
// system's.
func (s tlsSettings) roots() (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	switch {
	case s.caFile != "":
		pem, err := os.ReadFile(s.caFile)
		if err != nil {
			return nil, fmt.Errorf("reading the CA certificate: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no PEM certificate in %s", s.caFile)
		}
	case len(s.caPEM) > 0:
		if !pool.AppendCertsFromPEM(s.caPEM) {
			return nil, errors.New("no PEM certificate in the CA certificate text")
		}
	case s.caPath != "":
		err := filepath.WalkDir(s.caPath, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			pem, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !pool.AppendCertsFromPEM(pem) {
				return fmt.Errorf("no PEM certificate in %s", p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading the CA directory: %w", err)
		}
	default:
		return nil, nil
	}
	return pool, nil
}

// endpoint is where a service's HTTP API listens.
type endpoint struct {
	base   url.URL // scheme, host and path prefix
	socket string  // a Unix socket dialled instead of base.Host
}

// unixEndpoint is the endpoint of a Unix socket: plain HTTP to a host
// name nothing resolves.
func unixEndpoint(socket string) endpoint {
	return endpoint{base: url.URL{Scheme: "http", Host: "localhost"}, socket: socket}
}

// url is the address of the API path p (starting with a slash) at ep,
// after the address's own path.
func (ep endpoint) url(p string) *url.URL {
	u := ep.base
	u.Path = strings.TrimSuffix(ep.base.Path, "/") + p
	u.RawPath = ""
	u.RawQuery = ""
	u.Fragment = ""
	return &u
}

// client returns an HTTP client for ep: TLS by tlsConf, through proxy
// when it is set (otherwise as HTTPS_PROXY and the like say), redirects
// decided by checkRedirect. Close its idle connections when done.
func (ep endpoint) client(tlsConf *tls.Config, proxy *url.URL, checkRedirect func(*http.Request, []*http.Request) error) (*http.Client, *http.Transport) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	tr.TLSHandshakeTimeout = 10 * time.Second
	if proxy != nil {
		tr.Proxy = http.ProxyURL(proxy)
	}
	if ep.socket != "" {
		var d net.Dialer
		tr.Proxy = nil
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", ep.socket)
		}
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}, tr
}

// readBody reads an answer's body, up to maxBody bytes.
func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("the answer is larger than %d MiB", maxBody>>20)
	}
	return b, nil
}

// parseURL parses s. Its error does not repeat s, which may hold a
// password.
func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		return nil, ue.Err
	}
	return u, err
}

// envBool reads the boolean environment variable name (1, t, true, 0, f,
// false, …); unset or empty is false.
func envBool(getenv func(string) string, name string) (bool, error) {
	v := getenv(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("parsing %s: %w", name, err)
	}
	return b, nil
}
