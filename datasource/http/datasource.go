// Package http is the http data source: it requests a URL and returns the
// response's body, status code and headers.
package http

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/zclconf/go-cty/cty"
)

// Methods are the HTTP methods the data source accepts.
var Methods = []string{"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}

// Config is the http data source's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// URL is requested; the answer must have a 2xx status.
	URL string `mapstructure:"url" required:"true"`
	// Method is the HTTP method (GET).
	Method string `mapstructure:"method"`
	// RequestHeaders are added to the request.
	RequestHeaders map[string]string `mapstructure:"request_headers"`
	// RequestBody is sent with the request.
	RequestBody string `mapstructure:"request_body"`
}

// Output is what the data source returns. RequestHeaders holds the
// *response* headers, under Packer's name; Headers is the same map under
// a name that says what it is.
type Output struct {
	URL            string            `mapstructure:"url"`
	Body           string            `mapstructure:"body"`
	RequestHeaders map[string]string `mapstructure:"request_headers"`
	Headers        map[string]string `mapstructure:"headers"`
	StatusCode     int               `mapstructure:"status_code"`
}

// Datasource is the http data source.
type Datasource struct {
	config Config
	// Client makes the request; nil means a default client.
	Client *http.Client
	// Warnings receives the warning about non-text content; nil means
	// standard error.
	Warnings io.Writer
}

var _ sdk.Datasource = (*Datasource)(nil)

// ConfigSpec implements sdk.Datasource.
func (d *Datasource) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// OutputSpec implements sdk.Datasource.
func (d *Datasource) OutputSpec() hcldec.ObjectSpec { return config.Spec(&Output{}) }

// Configure implements sdk.Datasource.
func (d *Datasource) Configure(raws ...any) error {
	var c Config
	if _, err := compconfig.Decode(&c, nil, raws...); err != nil {
		return err
	}
	var errs compconfig.Errors
	if c.URL == "" {
		errs.Key("url", "the `url` must be specified")
	}
	if c.Method == "" {
		c.Method = "GET"
	}
	if !slices.Contains(Methods, c.Method) {
		errs.Key("method", "the `method` must be one of %v", Methods)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	d.config = c
	return nil
}

var textTypes = []*regexp.Regexp{
	regexp.MustCompile(`^text/.+`),
	regexp.MustCompile(`^application/json$`),
	regexp.MustCompile(`^application/samlmetadata\+xml`),
}

// isText reports whether a Content-Type is text kiln can hold in a string.
func isText(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	for _, r := range textTypes {
		if r.MatchString(mt) {
			cs := strings.ToLower(params["charset"])
			return cs == "" || cs == "utf-8" || cs == "us-ascii"
		}
	}
	return false
}

// Execute implements sdk.Datasource.
func (d *Datasource) Execute(ctx context.Context) (cty.Value, error) {
	var body io.Reader
	if d.config.RequestBody != "" {
		body = strings.NewReader(d.config.RequestBody)
	}
	req, err := http.NewRequestWithContext(ctx, d.config.Method, d.config.URL, body)
	if err != nil {
		return cty.NilVal, fmt.Errorf("http request: %w", err)
	}
	for k, v := range d.config.RequestHeaders {
		req.Header.Set(k, v)
	}
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return cty.NilVal, fmt.Errorf("http request: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return cty.NilVal, fmt.Errorf("http request error: %s %s: response code: %d", d.config.Method, d.config.URL, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct == "" || !isText(ct) {
		w := d.Warnings
		if w == nil {
			w = os.Stderr
		}
		fmt.Fprintf(w, "Content-Type is not recognized as a text type, got %q\nIf the content is binary data, kiln may not properly handle the contents of the response.\n", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return cty.NilVal, fmt.Errorf("read http response: %w", err)
	}
	headers := map[string]cty.Value{}
	for k, v := range resp.Header {
		headers[k] = cty.StringVal(strings.Join(v, ", "))
	}
	hv := cty.MapValEmpty(cty.String)
	if len(headers) > 0 {
		hv = cty.MapVal(headers)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"url":             cty.StringVal(d.config.URL),
		"body":            cty.StringVal(string(b)),
		"request_headers": hv,
		"headers":         hv,
		"status_code":     cty.NumberIntVal(int64(resp.StatusCode)),
	}), nil
}
