package shell

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/communicator/local"
	"github.com/kilnbuild/kiln/provisioner/internal/script"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// remote_path wins over remote_folder and remote_file; every script of
// the list goes there.
func TestRemotePath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "custom.sh")
	p, folder := prepare(t, map[string]any{"inline": []any{"echo $0"}, "remote_path": path, "skip_clean": true})
	rec, err := provision(t, p, &local.Communicator{}, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Output())
	}
	if got := rec.Messages(); !slices.Equal(got, []string{path}) {
		t.Errorf("ran %q, want %q", got, path)
	}
	if left, _ := os.ReadDir(folder); len(left) != 0 {
		t.Errorf("remote_folder used although remote_path is set: %v", left)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("skip_clean: %v", err)
	}
}

// env_var_format renders each variable of {{.Vars}}.
func TestEnvVarFormat(t *testing.T) {
	p, _ := prepare(t, map[string]any{
		"inline":           []any{`echo "$A"`},
		"environment_vars": []any{"A=x y"},
		"env_var_format":   "export %s='%s'; ",
		"execute_command":  "echo '{{.Vars}}' | tr -d \"'\"; {{.Vars}} sh {{.Path}}",
	})
	rec, err := provision(t, p, &local.Communicator{}, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Output())
	}
	want := []string{"export A=x y; export PACKER_BUILDER_TYPE=null; export PACKER_BUILD_NAME=web; ", "x y"}
	if got := rec.Messages(); !slices.Equal(got, want) {
		t.Errorf("messages = %q, want %q", got, want)
	}
}

// PACKER_HTTP_ADDR, _IP and _PORT are set from the generated data, unless
// the builder left the placeholders there.
func TestPackerHTTPVariables(t *testing.T) {
	for _, tc := range []struct {
		data map[string]any
		want string
	}{
		{map[string]any{sdk.GenPackerHTTPAddr: "10.0.0.1:8080", sdk.GenPackerHTTPIP: "10.0.0.1", sdk.GenPackerHTTPPort: "8080"}, "[10.0.0.1:8080] [10.0.0.1] [8080] set"},
		{map[string]any{sdk.GenPackerHTTPAddr: sdk.NotImplementedHTTPAddr, sdk.GenPackerHTTPIP: sdk.NotImplementedHTTPIP, sdk.GenPackerHTTPPort: sdk.NotImplementedHTTPPort}, "[] [] [] unset"},
		{nil, "[] [] [] unset"},
	} {
		p, _ := prepare(t, map[string]any{"inline": []any{
			`if [ -n "${PACKER_HTTP_ADDR+x}${PACKER_HTTP_IP+x}${PACKER_HTTP_PORT+x}" ]; then s=set; else s=unset; fi`,
			`echo "[$PACKER_HTTP_ADDR] [$PACKER_HTTP_IP] [$PACKER_HTTP_PORT] $s"`,
		}})
		rec, err := provision(t, p, &local.Communicator{}, tc.data)
		if err != nil {
			t.Fatalf("%v\n%s", err, rec.Output())
		}
		if got := rec.Messages(); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%v: %q, want %q", tc.data, got, tc.want)
		}
	}
}

// flaky fails its first uploads, as a rebooting machine does.
type flaky struct {
	local.Communicator
	failures int32
	uploads  atomic.Int32
}

func (f *flaky) Upload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error {
	if f.uploads.Add(1) <= f.failures {
		return errors.New("connection refused")
	}
	return f.Communicator.Upload(ctx, dst, r, fi)
}

// start_retry_timeout bounds the retries of upload, chmod and run.
func TestStartRetryTimeout(t *testing.T) {
	old := script.RetryDelay
	script.RetryDelay = time.Millisecond
	t.Cleanup(func() { script.RetryDelay = old })

	p, _ := prepare(t, map[string]any{"inline": []any{"echo ran"}, "start_retry_timeout": "1h"})
	comm := &flaky{failures: 3}
	rec, err := provision(t, p, comm, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Output())
	}
	if n := comm.uploads.Load(); n != 4 || !slices.Equal(rec.Messages(), []string{"ran"}) {
		t.Errorf("%d uploads, messages %q; want 4 and [ran]", n, rec.Messages())
	}

	p, _ = prepare(t, map[string]any{"inline": []any{"echo ran"}, "start_retry_timeout": "1ms"})
	comm = &flaky{failures: 1 << 30}
	if _, err := provision(t, p, comm, nil); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v, want the upload's", err)
	}
	if p.config.StartRetryTimeout != time.Millisecond {
		t.Errorf("start_retry_timeout = %v", p.config.StartRetryTimeout)
	}
}

// pause_after waits after the scripts, and gives way to cancellation.
func TestPauseAfter(t *testing.T) {
	p, _ := prepare(t, map[string]any{"inline": []any{"true"}, "pause_after": "10ms"})
	rec, err := provision(t, p, &local.Communicator{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if says := rec.Says(); len(says) != 2 || says[1] != "Pausing 10ms after this provisioner..." {
		t.Errorf("says = %q", says)
	}
	p, _ = prepare(t, map[string]any{"inline": []any{"true"}, "pause_after": "1h"})
	ctx, cancel := context.WithCancel(t.Context())
	comm := &cancelAfterRun{cancel: cancel}
	if err := p.Provision(ctx, &ui.Recorder{}, comm, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled pause: %v", err)
	}
}

// cancelAfterRun cancels the build once the script has run.
type cancelAfterRun struct {
	local.Communicator
	cancel func()
}

func (c *cancelAfterRun) Start(ctx context.Context, cmd *sdk.RemoteCmd) error {
	if strings.HasPrefix(cmd.Command, "rm -f") {
		defer c.cancel()
	}
	return c.Communicator.Start(ctx, cmd)
}
