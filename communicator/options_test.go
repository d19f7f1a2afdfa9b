package communicator

import (
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/communicator/ssh"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"golang.org/x/crypto/ssh/agent"
)

// Each ssh_* key reaches the connection's configuration.
func TestSSHClientConfigCarriesOptions(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := prepared(t, Config{SSH: SSH{
		SSHHost: "ignored", SSHUsername: s.User, SSHPrivateKeyFile: s.KeyFile,
		SSHPty: true, SSHKeepAliveInterval: -time.Second, SSHReadWriteTimeout: time.Minute,
		SSHFileTransferMethod: "scp", SSHLocalTunnels: []string{"8080:localhost:3000"}, SSHRemoteTunnels: []string{"9090:localhost:80"},
		SSHCiphers: []string{"aes128-ctr"}, SSHKEXAlgos: []string{"curve25519-sha256"},
		SSHAgentAuth: false, SSHDisableAgentForwarding: true,
		SSHBastionHost: "bastion", SSHBastionUsername: "jump", SSHBastionPassword: "pw", SSHBastionInteractive: true,
	}})
	sc, err := cfg.SSHClientConfig("10.1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Host != "10.1.2.3" || sc.Port != 22 || !sc.Pty || sc.KeepAliveInterval != -time.Second || sc.ReadWriteTimeout != time.Minute ||
		sc.FileTransfer != "scp" || !slices.Equal(sc.LocalTunnels, []string{"8080:localhost:3000"}) ||
		!slices.Equal(sc.RemoteTunnels, []string{"9090:localhost:80"}) || sc.AgentForwarding || sc.Proxy != nil {
		t.Errorf("ssh config = %+v", sc)
	}
	if sc.Client.User != s.User || !slices.Equal(sc.Client.Ciphers, []string{"aes128-ctr"}) ||
		!slices.Equal(sc.Client.KeyExchanges, []string{"curve25519-sha256"}) || len(sc.Client.Auth) != 1 {
		t.Errorf("client config: user %q ciphers %v kex %v, %d auth methods", sc.Client.User, sc.Client.Ciphers, sc.Client.KeyExchanges, len(sc.Client.Auth))
	}
	// The bastion: port 22, the target's key when it has none of its
	// own, and the password by keyboard-interactive only when
	// ssh_bastion_interactive is set.
	b := sc.Bastion
	if b == nil || b.Host != "bastion" || b.Port != 22 || b.Client.User != "jump" || len(b.Client.Auth) != 2 {
		t.Fatalf("bastion = %+v", b)
	}
	cfg.SSHBastionInteractive = false
	if sc, _ = cfg.SSHClientConfig("h"); len(sc.Bastion.Client.Auth) != 3 {
		t.Errorf("non-interactive bastion: %d auth methods, want key, password, keyboard-interactive", len(sc.Bastion.Client.Auth))
	}

	// ssh_agent_auth forwards the agent unless ssh_disable_agent_forwarding.
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go agent.ServeAgent(agent.NewKeyring(), conn)
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
	for _, disable := range []bool{false, true} {
		c := prepared(t, Config{SSH: SSH{SSHUsername: "u", SSHAgentAuth: true, SSHDisableAgentForwarding: disable}})
		sc, err := c.SSHClientConfig("h")
		if err != nil {
			t.Fatal(err)
		}
		if sc.AgentForwarding == disable || len(sc.Client.Auth) != 1 {
			t.Errorf("ssh_disable_agent_forwarding = %v: forwarding %v, %d auth methods", disable, sc.AgentForwarding, len(sc.Client.Auth))
		}
	}
	t.Setenv("SSH_AUTH_SOCK", "")
	c := prepared(t, Config{SSH: SSH{SSHUsername: "u", SSHAgentAuth: true}})
	if _, err := c.SSHClientConfig("h"); err == nil || !strings.Contains(err.Error(), "SSH_AUTH_SOCK is not set") {
		t.Errorf("agent without SSH_AUTH_SOCK: %v", err)
	}

	// A SOCKS proxy defaults to port 1080.
	cfg = prepared(t, Config{SSH: SSH{SSHUsername: "u", SSHPassword: "p", SSHProxyHost: "proxy", SSHProxyUsername: "pu", SSHProxyPassword: "pp"}})
	sc, _ = cfg.SSHClientConfig("h")
	if sc.Proxy == nil || *sc.Proxy != (ssh.Proxy{Host: "proxy", Port: 1080, Username: "pu", Password: "pp"}) {
		t.Errorf("proxy = %+v", sc.Proxy)
	}
}

// ssh_password (for a user without a key) and pause_before_connecting,
// which connects, waits, and connects again.
func TestStepConnectPasswordAndPause(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := prepared(t, Config{PauseBeforeConnect: 10 * time.Millisecond, SSH: SSH{SSHHost: s.Host, SSHPort: s.Port, SSHUsername: s.PasswordUser, SSHPassword: s.Password}})
	state, rec, action := runStep(t, &StepConnect{Config: cfg})
	if action != multistep.Continue {
		t.Fatalf("halted: %v", multistep.Err(state))
	}
	want := []string{"Waiting for SSH to become available...", "Pausing 10ms before connecting...", "Connected to SSH!"}
	if says := rec.Says(); !slices.Equal(says, want) {
		t.Errorf("says = %q, want %q", says, want)
	}
	ci, _ := multistep.Get(state, commonsteps.KeyConnInfo)
	if ci.User != s.PasswordUser || ci.Password != s.Password {
		t.Errorf("conn info = %+v", ci)
	}
	comm, _ := multistep.Get(state, commonsteps.KeyCommunicator)
	if comm == nil {
		t.Fatal("no communicator")
	}
}

// ssh_bastion_*: the test sshd is its own bastion, reached as the
// password user, while the target is reached as the key user.
func TestStepConnectBastion(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := prepared(t, Config{SSH: SSH{
		SSHHost: s.Host, SSHPort: s.Port, SSHUsername: s.User, SSHPrivateKeyFile: s.KeyFile,
		SSHBastionHost: s.Host, SSHBastionPort: s.Port, SSHBastionUsername: s.PasswordUser, SSHBastionPassword: s.Password,
		// The target's key is not the bastion user's: the bastion must
		// get in by password.
		SSHBastionPrivateKeyFile: "",
	}})
	state, _, action := runStep(t, &StepConnect{Config: cfg})
	if action != multistep.Continue {
		t.Fatalf("halted: %v", multistep.Err(state))
	}
	cfg = prepared(t, Config{SSH: SSH{
		SSHHost: s.Host, SSHPort: s.Port, SSHUsername: s.User, SSHPrivateKeyFile: s.KeyFile,
		SSHBastionHost: s.Host, SSHBastionPort: s.Port, SSHBastionUsername: s.PasswordUser, SSHBastionPassword: "wrong",
		SSHHandshakeAttempts: 1,
	}})
	state, _, action = runStep(t, &StepConnect{Config: cfg, RetryDelay: time.Millisecond})
	if action != multistep.Halt || !strings.Contains(multistep.Err(state).Error(), "bastion") {
		t.Errorf("wrong bastion password: %v", multistep.Err(state))
	}
}
