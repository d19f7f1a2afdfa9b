package null

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/provisioner/shell"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

func TestPrepareValidation(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key")
	os.WriteFile(key, []byte("not a key"), 0o600)
	for _, tc := range []struct {
		cfg  map[string]any
		want []string // substrings; none means success
	}{
		{map[string]any{"communicator": "none"}, nil},
		{map[string]any{"communicator": "local"}, nil},
		{map[string]any{"ssh_host": "h", "ssh_username": "u", "ssh_password": "p"}, nil},
		{map[string]any{}, []string{"a Host must be specified", "an ssh_username must be specified", "a Username must be specified", "one authentication method must be specified"}},
		{map[string]any{"ssh_host": "h", "ssh_username": "u", "ssh_password": "p", "ssh_agent_auth": true}, []string{"only one of ssh_agent_auth, ssh_password, and ssh_private_key_file must be specified"}},
		{map[string]any{"ssh_host": "h", "ssh_username": "u", "ssh_private_key_file": key}, []string{"ssh_private_key_file is invalid"}},
		{map[string]any{"communicator": "telnet"}, []string{"communicator type telnet is invalid"}},
		{map[string]any{"communicator": "winrm"}, []string{"winrm communicator is not supported"}},
		{map[string]any{"communicator": "none", "ssh_file_transfer_method": "ftp"}, nil},
		{map[string]any{"ssh_host": "h", "ssh_username": "u", "ssh_password": "p", "ssh_file_transfer_method": "ftp"}, []string{"ssh_file_transfer_method"}},
		{map[string]any{"ssh_host": "h", "ssh_username": "u", "ssh_password": "p", "ssh_local_tunnels": []any{"x:y"}}, []string{"ssh_local_tunnels"}},
	} {
		_, _, err := (&Builder{}).Prepare(tc.cfg)
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("Prepare(%v): %v", tc.cfg, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("Prepare(%v) succeeded, want %q", tc.cfg, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Prepare(%v) = %v, want it to contain %q", tc.cfg, err, w)
			}
		}
	}
}

func TestPrepareSSHDefaults(t *testing.T) {
	b := &Builder{}
	if _, _, err := b.Prepare(map[string]any{"ssh_host": "h", "ssh_username": "u", "ssh_password": "p"}); err != nil {
		t.Fatal(err)
	}
	c := b.config
	if c.Type != "ssh" || c.SSHPort != 22 || c.SSHTimeout.Minutes() != 5 || c.SSHHandshakeAttempts != 10 || c.SSHKeepAliveInterval.Seconds() != 5 {
		t.Errorf("defaults: %+v", c.Config)
	}
}

// A null build with the local communicator runs a real shell provisioner
// through the provision hook.
func TestRunLocalWithShellProvisioner(t *testing.T) {
	b := &Builder{}
	if _, _, err := b.Prepare(map[string]any{"communicator": "local", "packer_build_name": "n"}); err != nil {
		t.Fatal(err)
	}
	p := &shell.Provisioner{}
	if err := p.Prepare(map[string]any{"inline": []any{"echo id={{ .ID }} conn={{ .ConnType }} $PACKER_BUILD_NAME"}, "remote_folder": t.TempDir(), "packer_build_name": "n"}); err != nil {
		t.Fatal(err)
	}
	var hookData map[string]any
	hook := &sdk.DispatchHook{Hooks: map[string][]sdk.Hook{sdk.HookProvision: {
		sdk.HookFunc(func(ctx context.Context, _ string, u sdk.Ui, comm sdk.Communicator, data any) error {
			hookData = data.(map[string]any)
			return p.Provision(ctx, u, comm, hookData)
		}),
	}}}
	rec := &ui.Recorder{}
	art, err := b.Run(t.Context(), rec, hook)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, rec.Output())
	}
	if got, want := rec.Messages(), []string{"id=Null conn=local n"}; !slices.Equal(got, want) {
		t.Errorf("messages = %q, want %q", got, want)
	}
	if hookData["ID"] != "Null" {
		t.Errorf("hook data ID = %v", hookData["ID"])
	}
	if art.BuilderId() != "fnoeding.null" || art.Id() != "Null" || len(art.Files()) != 0 ||
		art.String() != "Did not export anything. This is the null builder" {
		t.Errorf("artifact: %q %q %v %q", art.BuilderId(), art.Id(), art.Files(), art.String())
	}
	gd, _ := art.State(sdk.StateGeneratedData).(map[string]any)
	if len(gd) != 1 || gd["ID"] != "Null" {
		t.Errorf("generated_data = %v", gd)
	}
	md, _ := art.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)
	if len(md) != 1 || md[0].Validate() != nil {
		t.Errorf("image metadata = %+v", md)
	}
}

func TestRunNoneHandsDisabledCommunicator(t *testing.T) {
	b := &Builder{}
	if _, _, err := b.Prepare(map[string]any{"communicator": "none"}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	var gotComm sdk.Communicator = nil
	called := false
	hook := &sdk.DispatchHook{Hooks: map[string][]sdk.Hook{sdk.HookProvision: {
		sdk.HookFunc(func(_ context.Context, _ string, _ sdk.Ui, comm sdk.Communicator, _ any) error {
			called, gotComm = true, comm
			return boom
		}),
	}}}
	_, err := b.Run(t.Context(), &ui.Recorder{}, hook)
	if !called || gotComm == nil {
		t.Fatalf("hook called=%v with comm %v, want the disabled communicator", called, gotComm)
	}
	// As in Packer, communicator = "none" hands provisioners a communicator
	// that host-side provisioners ignore and that refuses to touch a machine.
	uerr := gotComm.Upload(t.Context(), "/tmp/x", strings.NewReader("x"), nil)
	if uerr == nil || uerr.Error() != "Upload is not implemented when communicator = 'none'" {
		t.Errorf("Upload = %v", uerr)
	}
	if !errors.Is(err, boom) {
		t.Errorf("Run = %v, want the hook's error", err)
	}
}

// The keys Packer's communicator configuration has for builders that make
// machines, and the winrm_* keys, decode; the null builder ignores them.
func TestPrepareAcceptsCompatibilityKeys(t *testing.T) {
	b := &Builder{}
	_, _, err := b.Prepare(map[string]any{
		"ssh_host": "h", "ssh_username": "u", "ssh_password": "p",
		"ssh_keypair_name": "kp", "temporary_key_pair_name": "tmp", "temporary_key_pair_type": "ed25519",
		"temporary_key_pair_bits": 256, "ssh_clear_authorized_keys": true,
		"winrm_username": "w", "winrm_password": "wp", "winrm_host": "wh", "winrm_port": 5986, "winrm_timeout": "1m",
		"winrm_use_ssl": true, "winrm_insecure": true, "winrm_use_ntlm": true, "winrm_no_proxy": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := b.config
	if c.SSHKeyPairName != "kp" || c.SSHTemporaryKeyPairType != "ed25519" || c.SSHTemporaryKeyPairBits != 256 ||
		!c.SSHClearAuthorizedKeys || c.WinRMPort != 5986 || !c.WinRMUseNTLM {
		t.Errorf("decoded %+v", c.Config)
	}
	// The winrm keys set host and user only for the winrm communicator,
	// which kiln refuses.
	if c.Host() != "h" || c.User() != "u" {
		t.Errorf("host %q user %q", c.Host(), c.User())
	}
}
