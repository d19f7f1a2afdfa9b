package docker

import (
	"net/http"
	"testing"

	"github.com/docker/docker/client"
)

// TestWithStreamBuffers checks that the option sizes the transport's
// buffers when it runs after the host is set up, as in NewEngineDriver.
func TestWithStreamBuffers(t *testing.T) {
	var checked bool
	check := func(c *client.Client) error {
		tr, ok := c.HTTPClient().Transport.(*http.Transport)
		if !ok {
			t.Fatalf("transport is a %T", c.HTTPClient().Transport)
		}
		if tr.WriteBufferSize != streamBufferSize || tr.ReadBufferSize != streamBufferSize {
			t.Errorf("buffers = %d/%d, want %d", tr.WriteBufferSize, tr.ReadBufferSize, streamBufferSize)
		}
		checked = true
		return nil
	}
	if _, err := client.NewClientWithOpts(client.WithHost("unix:///nonexistent.sock"), withStreamBuffers, check); err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Fatal("the check option did not run")
	}
}
