package null

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/provisioner/file"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// A null build connecting to the test sshd uploads a file with the file
// provisioner.
func TestRunSSH(t *testing.T) {
	s := testenv.RequireSSHD(t)
	b := &Builder{}
	if _, _, err := b.Prepare(map[string]any{"ssh_host": s.Host, "ssh_port": s.Port, "ssh_username": s.User, "ssh_private_key_file": s.KeyFile}); err != nil {
		t.Fatal(err)
	}
	remote := t.TempDir()
	p := &file.Provisioner{}
	if err := p.Prepare(map[string]any{"content": "hi", "destination": remote + "/{{ .ID }}-{{ .User }}.txt"}); err != nil {
		t.Fatal(err)
	}
	hook := &sdk.DispatchHook{Hooks: map[string][]sdk.Hook{sdk.HookProvision: {
		sdk.HookFunc(func(ctx context.Context, _ string, u sdk.Ui, comm sdk.Communicator, data any) error {
			return p.Provision(ctx, u, comm, data.(map[string]any))
		}),
	}}}
	rec := &ui.Recorder{}
	if _, err := b.Run(t.Context(), rec, hook); err != nil {
		t.Fatalf("%v\n%s", err, rec.Output())
	}
	if got, err := os.ReadFile(filepath.Join(remote, "Null-"+s.User+".txt")); err != nil || string(got) != "hi" {
		t.Errorf("uploaded file: %q, %v", got, err)
	}
}
