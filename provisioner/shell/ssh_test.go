package shell

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kilnbuild/kiln/communicator/ssh"
	"github.com/kilnbuild/kiln/internal/testenv"
)

// The shell provisioner over a real SSH connection to the test sshd.
func TestOverSSH(t *testing.T) {
	s := testenv.RequireSSHD(t)
	key, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := ssh.ClientConfig(s.User, ssh.AuthOptions{PrivateKeys: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"sftp", "scp"} {
		t.Run(method, func(t *testing.T) {
			comm, err := ssh.Connect(t.Context(), &ssh.Config{Host: s.Host, Port: s.Port, Client: cc, FileTransfer: method})
			if err != nil {
				t.Fatal(err)
			}
			defer comm.Close()
			p, dir := prepare(t, map[string]any{
				"inline":           []any{`echo "hello $WHO from $(id -un) in {{ .ID }}"`, "exit 3"},
				"environment_vars": []any{"WHO=kiln"},
				"valid_exit_codes": []any{3},
				"use_env_var_file": true,
			})
			rec, err := provision(t, p, comm, map[string]any{"ID": "Null"})
			if err != nil {
				t.Fatalf("%v\n%s", err, rec.Output())
			}
			if got, want := rec.Messages(), []string{"hello kiln from root in Null"}; !slices.Equal(got, want) {
				t.Errorf("messages = %q, want %q", got, want)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
				t.Errorf("left on the machine: %v", left)
			}
			p, _ = prepare(t, map[string]any{"inline": []any{"exit 1"}})
			if _, err := provision(t, p, comm, nil); err == nil {
				t.Error("exit 1 over ssh succeeded")
			}
		})
	}
}
