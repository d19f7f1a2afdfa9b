package communicator

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/communicator/none"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/ui"
)

func prepared(t *testing.T, c Config) *Config {
	t.Helper()
	if errs := c.Prepare(); len(errs) > 0 {
		t.Fatalf("Prepare: %v", errs)
	}
	return &c
}

func runStep(t *testing.T, step *StepConnect) (*multistep.State, *ui.Recorder, multistep.Action) {
	t.Helper()
	state := multistep.NewState()
	rec := &ui.Recorder{}
	multistep.Put[sdk.Ui](state, commonsteps.KeyUi, rec)
	action := step.Run(t.Context(), state)
	t.Cleanup(func() { step.Cleanup(state) })
	return state, rec, action
}

func TestStepConnectSSH(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := prepared(t, Config{SSH: SSH{SSHHost: s.Host, SSHPort: s.Port, SSHUsername: s.User, SSHPrivateKeyFile: s.KeyFile}})
	state, rec, action := runStep(t, &StepConnect{Config: cfg})
	if action != multistep.Continue {
		t.Fatalf("halted: %v", multistep.Err(state))
	}
	if comm, ok := multistep.Get(state, commonsteps.KeyCommunicator); !ok || comm == nil {
		t.Fatal("no communicator in the state")
	}
	ci, _ := multistep.Get(state, commonsteps.KeyConnInfo)
	if ci.Type != "ssh" || ci.Host != s.Host || ci.Port != s.Port || ci.User != s.User || ci.SSHPrivateKeyFile != s.KeyFile || !strings.Contains(ci.SSHPrivateKey, "PRIVATE KEY") {
		t.Errorf("conn info = %+v", ci)
	}
	if says := rec.Says(); len(says) != 2 || says[0] != "Waiting for SSH to become available..." || says[1] != "Connected to SSH!" {
		t.Errorf("says = %q", says)
	}
}

// With nothing listening, the step gives up at ssh_timeout and says why.
func TestStepConnectTimeoutSaysWhy(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg := prepared(t, Config{SSH: SSH{SSHHost: "127.0.0.1", SSHPort: port, SSHUsername: "u", SSHPassword: "p", SSHTimeout: 300 * time.Millisecond}})
	state, _, action := runStep(t, &StepConnect{Config: cfg, RetryDelay: 50 * time.Millisecond})
	if action != multistep.Halt {
		t.Fatal("connected to a closed port")
	}
	msg := multistep.Err(state).Error()
	if !strings.Contains(msg, "timeout waiting for SSH") || !strings.Contains(msg, "connection refused") {
		t.Errorf("error = %q, want the timeout and its cause", msg)
	}
}

func TestStepConnectHandshakeAttempts(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := prepared(t, Config{SSH: SSH{SSHHost: s.Host, SSHPort: s.Port, SSHUsername: s.PasswordUser, SSHPassword: "wrong", SSHHandshakeAttempts: 2}})
	if cfg.SSHTimeout != 0 {
		t.Errorf("ssh_timeout defaulted to %v although ssh_handshake_attempts is set", cfg.SSHTimeout)
	}
	state, _, action := runStep(t, &StepConnect{Config: cfg, RetryDelay: 10 * time.Millisecond})
	if action != multistep.Halt {
		t.Fatal("connected with a wrong password")
	}
	msg := multistep.Err(state).Error()
	if !strings.Contains(msg, "giving up after 2 failed handshakes") || !strings.Contains(msg, "unable to authenticate") {
		t.Errorf("error = %q", msg)
	}
}

func TestStepConnectNoneAndLocal(t *testing.T) {
	state, _, action := runStep(t, &StepConnect{Config: prepared(t, Config{Type: "none"})})
	comm, _ := multistep.Get(state, commonsteps.KeyCommunicator)
	if _, disabled := comm.(none.Disabled); action != multistep.Continue || !disabled {
		t.Errorf("none: action %v, communicator %T, want none.Disabled", action, comm)
	}
	cfg := &Config{Type: TypeLocal}
	cfg.Prepare(TypeLocal)
	state, _, action = runStep(t, &StepConnect{Config: cfg})
	if action != multistep.Continue || !multistep.Has(state, commonsteps.KeyCommunicator) {
		t.Error("local: no communicator")
	}
	if ci, _ := multistep.Get(state, commonsteps.KeyConnInfo); ci.Type != "local" {
		t.Errorf("local conn info %+v", ci)
	}
}

func TestPrepareErrors(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{Type: "ssh"}, "an ssh_username must be specified"},
		{Config{SSH: SSH{SSHUsername: "u", SSHCertificateFile: "c"}}, "ssh_private_key_file must be specified if ssh_certificate_file is specified"},
		{Config{SSH: SSH{SSHUsername: "u", SSHBastionHost: "b"}}, "ssh_bastion_password, ssh_bastion_private_key_file or ssh_bastion_agent_auth must be specified"},
		{Config{SSH: SSH{SSHUsername: "u", SSHBastionHost: "b", SSHBastionPassword: "p", SSHProxyHost: "p"}}, "either ssh_bastion_host or ssh_proxy_host"},
		{Config{SSH: SSH{SSHUsername: "u", SSHPrivateKeyFile: "/nonexistent"}}, "ssh_private_key_file is invalid"},
		{Config{Type: "docker"}, "communicator type docker is invalid"},
	} {
		errs := tc.c.Prepare()
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("Prepare(%+v) = %v, want %q", tc.c, errs, tc.want)
		}
	}
	c := Config{Type: "docker"}
	if errs := c.Prepare("docker"); len(errs) != 0 {
		t.Errorf("a builder's own type rejected: %v", errs)
	}
	c = Config{SSH: SSH{SSHUsername: "u", SSHWaitTimeout: time.Minute, SSHBastionHost: "b", SSHBastionPassword: "p", SSHProxyPort: 0}}
	c.Prepare()
	if c.SSHTimeout != time.Minute || c.SSHBastionPort != 22 {
		t.Errorf("ssh_wait_timeout/bastion port: %+v", c.SSH)
	}
}
