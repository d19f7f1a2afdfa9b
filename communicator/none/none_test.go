package none

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
)

func TestNothingHappensSuccessfully(t *testing.T) {
	var c Communicator
	cmd := &sdk.RemoteCmd{Command: "exit 1"}
	if err := c.Start(t.Context(), cmd); err != nil || cmd.Wait() != 0 {
		t.Errorf("Start: %v, status %d", err, cmd.ExitStatus())
	}
	r := strings.NewReader("data")
	if err := c.Upload(t.Context(), "/x", r, nil); err != nil || r.Len() != 0 {
		t.Errorf("Upload: %v, %d bytes unread", err, r.Len())
	}
	var buf bytes.Buffer
	if err := c.Download(t.Context(), "/x", &buf); err != nil || buf.Len() != 0 {
		t.Errorf("Download: %v, %q", err, buf.String())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Start(ctx, &sdk.RemoteCmd{}); err == nil {
		t.Error("Start with a cancelled context succeeded")
	}
}
