package docker

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
)

func TestCommunicatorStartCancelled(t *testing.T) {
	// A command cut short by the build's cancellation (Ctrl-C) is not
	// reported as an error on its stderr: the build says it was cancelled.
	ctx, cancel := context.WithCancel(t.Context())
	drv := &FakeDriver{ExecFunc: func(ctx context.Context, _ string, spec ExecSpec) (int, error) {
		spec.OnStart()
		<-ctx.Done()
		return 0, ctx.Err()
	}}
	c := &Communicator{Driver: drv, ContainerID: "c0ffee"}
	var stderr bytes.Buffer
	cmd := &sdk.RemoteCmd{Command: "sleep 600", Stderr: &stderr}
	if err := c.Start(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	cancel()
	if got := cmd.Wait(); got != sdk.CmdDisconnect {
		t.Errorf("exit status = %d, want %d", got, sdk.CmdDisconnect)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", stderr.String())
	}

	// Any other failure of a running command is shown.
	drv.ExecFunc = func(ctx context.Context, _ string, spec ExecSpec) (int, error) {
		spec.OnStart()
		return 0, errors.New("connection reset")
	}
	cmd = &sdk.RemoteCmd{Command: "true", Stderr: &stderr}
	if err := c.Start(t.Context(), cmd); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got := stderr.String(); got != "kiln: connection reset\n" {
		t.Errorf("stderr = %q", got)
	}
}
