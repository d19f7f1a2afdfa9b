package communicator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/kilnbuild/kiln/communicator/local"
	"github.com/kilnbuild/kiln/communicator/none"
	"github.com/kilnbuild/kiln/communicator/ssh"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
)

// StepConnect connects the communicator Config describes and puts it in
// the state under commonsteps.KeyCommunicator, with the connection's
// description under commonsteps.KeyConnInfo. For "none" it puts a disabled
// communicator, which host-side provisioners do not need.
// Cleanup closes the connection.
type StepConnect struct {
	Config *Config
	// Host returns the address to connect to; nil means Config's host
	// (ssh_host). Builders that create machines look it up in the state.
	Host func(ctx context.Context, state *multistep.State) (string, error)
	// Custom holds the steps of communicator types a builder provides
	// itself (e.g. "docker"), run in place of this step's own logic.
	Custom map[string]multistep.Step
	// RetryDelay is the pause between connection attempts (default 5s).
	RetryDelay time.Duration

	custom multistep.Step
	comm   *ssh.Comm
}

var _ multistep.Step = (*StepConnect)(nil)

// Name implements multistep.Namer.
func (s *StepConnect) Name() string { return "StepConnect" }

// Run implements multistep.Step.
func (s *StepConnect) Run(ctx context.Context, state *multistep.State) multistep.Action {
	typ := s.Config.Type
	if step, ok := s.Custom[typ]; ok {
		s.custom = step
		return step.Run(ctx, state)
	}
	switch typ {
	case TypeNone:
		// Host-side provisioners (shell-local) still run; the rest fail
		// clearly through the disabled communicator, as in Packer.
		multistep.Put[sdk.Communicator](state, commonsteps.KeyCommunicator, none.Disabled{})
		multistep.Put(state, commonsteps.KeyConnInfo, commonsteps.ConnInfo{Type: TypeNone})
		return multistep.Continue
	case TypeLocal:
		multistep.Put[sdk.Communicator](state, commonsteps.KeyCommunicator, &local.Communicator{})
		host, _ := os.Hostname()
		multistep.Put(state, commonsteps.KeyConnInfo, commonsteps.ConnInfo{Type: TypeLocal, Host: host, User: currentUser()})
		return multistep.Continue
	case TypeSSH, "":
		return s.runSSH(ctx, state)
	}
	return multistep.HaltWith(state, fmt.Errorf("communicator type %q is not supported by this builder", typ))
}

// Cleanup implements multistep.Step.
func (s *StepConnect) Cleanup(state *multistep.State) {
	if s.custom != nil {
		s.custom.Cleanup(state)
		return
	}
	if s.comm != nil {
		s.comm.Close()
		s.comm = nil
	}
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return os.Getenv("LOGNAME")
}

func (s *StepConnect) runSSH(ctx context.Context, state *multistep.State) multistep.Action {
	ui, _ := multistep.Get(state, commonsteps.KeyUi)
	say := func(msg string) {
		if ui != nil {
			ui.Say(msg)
		}
	}
	host := s.Config.SSHHost
	if s.Host != nil {
		h, err := s.Host(ctx, state)
		if err != nil {
			return multistep.HaltWith(state, fmt.Errorf("find ssh host: %w", err))
		}
		host = h
	}
	cfg, err := s.Config.SSHClientConfig(host)
	if err != nil {
		return multistep.HaltWith(state, err)
	}

	say("Waiting for SSH to become available...")
	comm, err := s.connect(ctx, cfg)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	if p := s.Config.PauseBeforeConnect; p > 0 {
		comm.Close()
		say(fmt.Sprintf("Pausing %s before connecting...", p))
		select {
		case <-time.After(p):
		case <-ctx.Done():
			return multistep.HaltWith(state, ctx.Err())
		}
		if comm, err = s.connect(ctx, cfg); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	say("Connected to SSH!")
	s.comm = comm
	multistep.Put[sdk.Communicator](state, commonsteps.KeyCommunicator, comm)
	multistep.Put(state, commonsteps.KeyConnInfo, s.Config.ConnInfo(host, s.Config.SSHPort))
	return multistep.Continue
}

// connect retries until it connects, ssh_timeout passes, ctx ends or the
// handshake failed ssh_handshake_attempts times. The error says why the
// last attempt failed.
func (s *StepConnect) connect(ctx context.Context, cfg *ssh.Config) (*ssh.Comm, error) {
	timeout := s.Config.SSHTimeout
	tctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		tctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	delay := s.RetryDelay
	if delay <= 0 {
		delay = 5 * time.Second
	}
	var (
		lastErr    error
		handshakes int
	)
	for attempt := 1; ; attempt++ {
		comm, err := ssh.Connect(tctx, cfg)
		if err == nil {
			return comm, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !errors.Is(err, context.DeadlineExceeded) || lastErr == nil {
			lastErr = err
		}
		var he *ssh.HandshakeError
		if errors.As(err, &he) {
			handshakes++
			if max := s.Config.SSHHandshakeAttempts; max > 0 && handshakes >= max {
				return nil, fmt.Errorf("ssh: giving up after %d failed handshakes with %s: %w", handshakes, cfg.Host, lastErr)
			}
		}
		select {
		case <-tctx.Done():
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("timeout waiting for SSH on %s after %s (%d attempts): %w", cfg.Host, timeout, attempt, lastErr)
		case <-time.After(delay):
		}
	}
}

// SSHClientConfig describes the connection to host for the ssh package.
func (c *Config) SSHClientConfig(host string) (*ssh.Config, error) {
	var keys [][]byte
	if c.SSHPrivateKeyFile != "" {
		p, err := ExpandUser(c.SSHPrivateKeyFile)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read ssh private key: %w", err)
		}
		keys = append(keys, b)
	}
	cert := ""
	if c.SSHCertificateFile != "" {
		p, err := ExpandUser(c.SSHCertificateFile)
		if err != nil {
			return nil, err
		}
		cert = p
	}
	cc, err := ssh.ClientConfig(c.SSHUsername, ssh.AuthOptions{
		Password:        c.SSHPassword,
		PrivateKeys:     keys,
		CertificateFile: cert,
		Agent:           c.SSHAgentAuth,
		Ciphers:         c.SSHCiphers,
		KeyExchanges:    c.SSHKEXAlgos,
	})
	if err != nil {
		return nil, fmt.Errorf("ssh client configuration: %w", err)
	}
	cfg := &ssh.Config{
		Host:              host,
		Port:              c.SSHPort,
		Client:            cc,
		KeepAliveInterval: c.SSHKeepAliveInterval,
		ReadWriteTimeout:  c.SSHReadWriteTimeout,
		Pty:               c.SSHPty,
		AgentForwarding:   c.SSHAgentAuth && !c.SSHDisableAgentForwarding,
		FileTransfer:      c.SSHFileTransferMethod,
		LocalTunnels:      c.SSHLocalTunnels,
		RemoteTunnels:     c.SSHRemoteTunnels,
	}
	if c.SSHBastionHost != "" {
		var bkeys [][]byte
		if c.SSHBastionPrivateKeyFile != "" {
			p, err := ExpandUser(c.SSHBastionPrivateKeyFile)
			if err != nil {
				return nil, err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("read ssh bastion private key: %w", err)
			}
			bkeys = append(bkeys, b)
		}
		bcert := ""
		if c.SSHBastionCertificateFile != "" {
			if bcert, err = ExpandUser(c.SSHBastionCertificateFile); err != nil {
				return nil, err
			}
		}
		opts := ssh.AuthOptions{
			PrivateKeys:     bkeys,
			CertificateFile: bcert,
			Agent:           c.SSHBastionAgentAuth,
		}
		bcc, err := ssh.ClientConfig(c.SSHBastionUsername, opts)
		if err != nil {
			return nil, fmt.Errorf("ssh bastion client configuration: %w", err)
		}
		if c.SSHBastionPassword != "" {
			pw := c.SSHBastionPassword
			if c.SSHBastionInteractive {
				bcc.Auth = append(bcc.Auth, ssh.KeyboardInteractivePassword(pw))
			} else {
				bcc.Auth = append(bcc.Auth, ssh.PasswordAuth(pw), ssh.KeyboardInteractivePassword(pw))
			}
		}
		cfg.Bastion = &ssh.Hop{Host: c.SSHBastionHost, Port: c.SSHBastionPort, Client: bcc}
	}
	if c.SSHProxyHost != "" {
		cfg.Proxy = &ssh.Proxy{Host: c.SSHProxyHost, Port: c.SSHProxyPort, Username: c.SSHProxyUsername, Password: c.SSHProxyPassword}
	}
	return cfg, nil
}
