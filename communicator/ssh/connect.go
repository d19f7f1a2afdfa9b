package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/net/proxy"
)

// Config tells Connect how to reach and authenticate to a host.
type Config struct {
	Host string
	Port int
	// Client holds the user, the authentication methods and the
	// algorithm choices (see ClientConfig). Its Timeout is ignored:
	// DialTimeout and HandshakeTimeout apply.
	Client *gossh.ClientConfig
	// Bastion, when set, is the host the connection goes through.
	Bastion *Hop
	// Proxy, when set, is a SOCKS5 proxy the connection goes through.
	Proxy *Proxy
	// DialTimeout bounds the TCP connection (default 30s) and
	// HandshakeTimeout the SSH handshake (default 1m).
	DialTimeout      time.Duration
	HandshakeTimeout time.Duration
	// KeepAliveInterval is how often a keep-alive request is sent; 0 or
	// less sends none.
	KeepAliveInterval time.Duration
	// ReadWriteTimeout, when positive, fails the connection when nothing
	// comes from the host for that long (with keep-alives on, whose
	// replies count, this only happens when the host is gone).
	ReadWriteTimeout time.Duration
	// Pty requests a pseudo-terminal for every command.
	Pty bool
	// AgentForwarding forwards the local SSH agent (SSH_AUTH_SOCK) to
	// every command's session.
	AgentForwarding bool
	// FileTransfer is "sftp", "scp" or "" (SFTP, falling back to scp when
	// the server has no SFTP subsystem).
	FileTransfer string
	// LocalTunnels and RemoteTunnels are "PORT:HOST:PORT" forwards, as
	// Packer's ssh_local_tunnels and ssh_remote_tunnels.
	LocalTunnels  []string
	RemoteTunnels []string
}

// Hop is a host connected to on the way, such as a bastion.
type Hop struct {
	Host   string
	Port   int
	Client *gossh.ClientConfig
}

// Proxy is a SOCKS5 proxy.
type Proxy struct {
	Host     string
	Port     int
	Username string
	Password string
}

// DialError is returned by Connect when the TCP connection could not be
// made: the host is probably not up yet.
type DialError struct{ Err error }

func (e *DialError) Error() string { return "dial: " + e.Err.Error() }
func (e *DialError) Unwrap() error { return e.Err }

// HandshakeError is returned by Connect when the TCP connection worked but
// the SSH handshake or authentication failed.
type HandshakeError struct{ Err error }

func (e *HandshakeError) Error() string { return "ssh handshake: " + e.Err.Error() }
func (e *HandshakeError) Unwrap() error { return e.Err }

// Connect makes one attempt to connect to the host cfg describes. The
// communicator reconnects by itself when a later command or transfer finds
// the connection gone (a reboot, a command that killed its session).
func Connect(ctx context.Context, cfg *Config) (*Comm, error) {
	if cfg.Client == nil {
		return nil, errors.New("ssh: no client configuration")
	}
	c := &Comm{cfg: cfg, done: make(chan struct{})}
	client, bastion, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.client, c.bastion = client, bastion
	c.gone = c.watch(client)
	if err := c.startTunnels(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// dial makes one connection to the host, through the bastion or proxy
// when there is one, and returns it with the bastion's connection.
func (c *Comm) dial(ctx context.Context) (client, bastion *gossh.Client, err error) {
	cfg := c.cfg
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		d := &net.Dialer{Timeout: orDefault(cfg.DialTimeout, 30*time.Second)}
		return d.DialContext(ctx, network, address)
	}
	switch {
	case cfg.Bastion != nil:
		b, err := handshake(ctx, cfg, dial, net.JoinHostPort(cfg.Bastion.Host, strconv.Itoa(cfg.Bastion.Port)), cfg.Bastion.Client)
		if err != nil {
			return nil, nil, fmt.Errorf("bastion %s: %w", cfg.Bastion.Host, err)
		}
		bastion = b
		dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			return b.DialContext(ctx, network, address)
		}
	case cfg.Proxy != nil:
		var auth *proxy.Auth
		if cfg.Proxy.Username != "" {
			auth = &proxy.Auth{User: cfg.Proxy.Username, Password: cfg.Proxy.Password}
		}
		d, err := proxy.SOCKS5("tcp", net.JoinHostPort(cfg.Proxy.Host, strconv.Itoa(cfg.Proxy.Port)), auth,
			&net.Dialer{Timeout: orDefault(cfg.DialTimeout, 30*time.Second)})
		if err != nil {
			return nil, nil, &DialError{Err: fmt.Errorf("socks proxy: %w", err)}
		}
		cd, ok := d.(proxy.ContextDialer)
		if !ok {
			return nil, nil, &DialError{Err: errors.New("socks proxy dialer does not take a context")}
		}
		dial = cd.DialContext
	}
	client, err = handshake(ctx, cfg, dial, addr, cfg.Client)
	if err != nil {
		if bastion != nil {
			bastion.Close()
		}
		return nil, nil, err
	}
	if cfg.AgentForwarding {
		// Once per connection: the handler serves every session that
		// asks for the agent.
		if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
			_ = agent.ForwardToRemote(client, sock)
		}
	}
	return client, bastion, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// handshake dials addr and runs the SSH handshake, both bounded by their
// timeouts and by ctx.
func handshake(ctx context.Context, cfg *Config, dial func(context.Context, string, string) (net.Conn, error), addr string, cc *gossh.ClientConfig) (*gossh.Client, error) {
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, &DialError{Err: err}
	}
	if cfg.ReadWriteTimeout > 0 {
		conn = &deadlineConn{Conn: conn, timeout: cfg.ReadWriteTimeout}
	}
	hsTimeout := orDefault(cfg.HandshakeTimeout, time.Minute)
	_ = conn.SetDeadline(time.Now().Add(hsTimeout))
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	sc, chans, reqs, err := gossh.NewClientConn(conn, addr, cc)
	stop()
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &HandshakeError{Err: err}
	}
	_ = conn.SetDeadline(time.Time{})
	return gossh.NewClient(sc, chans, reqs), nil
}

// deadlineConn gives every read and every write the timeout: a read that
// waits that long for the host fails the connection. (Writes alone do not
// push the read deadline, so keep-alives sent to a host that no longer
// answers do not keep the connection alive.)
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(c.timeout))
	return c.Conn.Write(p)
}

// Comm is a connected SSH communicator. It is safe for concurrent use.
type Comm struct {
	cfg *Config

	closeOnce sync.Once
	done      chan struct{}

	// reconnectMu serialises reconnections, sftpMu the opening of SFTP
	// clients.
	reconnectMu sync.Mutex
	sftpMu      sync.Mutex

	mu      sync.Mutex
	client  *gossh.Client
	bastion *gossh.Client
	// dead is set once client's connection has ended; gone is closed then.
	dead bool
	gone <-chan struct{}
	// sftp belongs to client; a reconnection drops it.
	sftp *sftpState
	// listeners are the tunnels' listeners on this machine; remote those
	// on the remote machine, opened again after a reconnection.
	listeners []net.Listener
	remote    []net.Listener
}

// Client returns the current SSH client.
func (c *Comm) Client() *gossh.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}

// Close closes the connection (and the bastion's, tunnels and SFTP).
func (c *Comm) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.done)
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.sftp != nil && c.sftp.client != nil {
			c.sftp.client.Close()
		}
		for _, l := range c.listeners {
			l.Close()
		}
		for _, l := range c.remote {
			l.Close()
		}
		err = c.client.Close()
		if c.bastion != nil {
			c.bastion.Close()
		}
	})
	return err
}

// watch marks the communicator dead when client's connection ends, and
// sends client its keep-alives meanwhile. The channel it returns is closed
// when the connection ends.
func (c *Comm) watch(client *gossh.Client) <-chan struct{} {
	gone := make(chan struct{})
	go func() {
		_ = client.Wait()
		close(gone)
		c.mu.Lock()
		if c.client == client {
			c.dead = true
		}
		c.mu.Unlock()
	}()
	if every := c.cfg.KeepAliveInterval; every > 0 {
		go func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-c.done:
					return
				case <-gone:
					return
				case <-t.C:
					// A lost connection shows up in client.Wait.
					_, _, _ = client.SendRequest("keepalive@openssh.com", true, nil)
				}
			}
		}()
	}
	return gone
}

// live returns a client whose connection has not ended, reconnecting when
// the current one has.
func (c *Comm) live(ctx context.Context) (*gossh.Client, error) {
	c.mu.Lock()
	client, dead := c.client, c.dead
	c.mu.Unlock()
	if !dead {
		return client, nil
	}
	return c.reconnect(ctx, client)
}

// ErrClosed is returned for work asked of a closed communicator.
var ErrClosed = errors.New("ssh communicator closed")

// reconnect replaces the connection old with a new one (once, however
// many callers found old broken) and returns the current client.
func (c *Comm) reconnect(ctx context.Context, old *gossh.Client) (*gossh.Client, error) {
	c.reconnectMu.Lock()
	defer c.reconnectMu.Unlock()
	select {
	case <-c.done:
		return nil, ErrClosed
	default:
	}
	c.mu.Lock()
	if c.client != old {
		client := c.client
		c.mu.Unlock()
		return client, nil
	}
	c.mu.Unlock()

	client, bastion, err := c.dial(ctx)
	if err != nil {
		return nil, fmt.Errorf("reconnect: %w", err)
	}
	c.mu.Lock()
	select {
	case <-c.done:
		c.mu.Unlock()
		client.Close()
		if bastion != nil {
			bastion.Close()
		}
		return nil, ErrClosed
	default:
	}
	gone := c.watch(client)
	oldBastion, oldSFTP, oldRemote := c.bastion, c.sftp, c.remote
	c.client, c.bastion, c.dead, c.gone, c.sftp, c.remote = client, bastion, false, gone, nil, nil
	c.mu.Unlock()

	if oldSFTP != nil && oldSFTP.client != nil {
		oldSFTP.client.Close()
	}
	for _, l := range oldRemote {
		l.Close()
	}
	old.Close()
	if oldBastion != nil {
		oldBastion.Close()
	}
	// The remote ends of the tunnels went with the old connection. Failing
	// to open them again fails only what uses them.
	_ = c.startRemoteListeners(client)
	return client, nil
}

// ClientConfig builds the client configuration for user from the given
// authentication material, in Packer's order: agent, private keys (each
// with the certificate, if any), password (and keyboard-interactive).
func ClientConfig(user string, opts AuthOptions) (*gossh.ClientConfig, error) {
	cc := &gossh.ClientConfig{
		User: user,
		// Like Packer: the machines are new, their keys unknown.
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec
	}
	if len(opts.Ciphers) > 0 {
		cc.Ciphers = opts.Ciphers
	}
	if len(opts.KeyExchanges) > 0 {
		cc.KeyExchanges = opts.KeyExchanges
	}
	if opts.Agent {
		ag, err := AgentClient()
		if err != nil {
			return nil, err
		}
		cc.Auth = append(cc.Auth, gossh.PublicKeysCallback(ag.Signers))
	}
	for _, key := range opts.PrivateKeys {
		s, err := SignerFromPEM(key, opts.CertificateFile)
		if err != nil {
			return nil, err
		}
		cc.Auth = append(cc.Auth, gossh.PublicKeys(s))
	}
	if opts.Password != "" {
		cc.Auth = append(cc.Auth, PasswordAuth(opts.Password), KeyboardInteractivePassword(opts.Password))
	}
	return cc, nil
}

// PasswordAuth authenticates with a password.
func PasswordAuth(password string) gossh.AuthMethod { return gossh.Password(password) }

// KeyboardInteractivePassword answers every keyboard-interactive question
// with password.
func KeyboardInteractivePassword(password string) gossh.AuthMethod {
	return gossh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
		answers := make([]string, len(questions))
		for i := range answers {
			answers[i] = password
		}
		return answers, nil
	})
}

// AuthOptions is the authentication material for ClientConfig.
type AuthOptions struct {
	Password        string
	PrivateKeys     [][]byte
	CertificateFile string
	Agent           bool
	Ciphers         []string
	KeyExchanges    []string
}

// AgentClient connects to the SSH agent at SSH_AUTH_SOCK.
func AgentClient() (agent.ExtendedAgent, error) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, errors.New("ssh agent: SSH_AUTH_SOCK is not set")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("ssh agent: %w", err)
	}
	return agent.NewClient(conn), nil
}

// SignerFromPEM parses a PEM private key, combined with the OpenSSH
// certificate in certFile when that is not "".
func SignerFromPEM(key []byte, certFile string) (gossh.Signer, error) {
	s, err := gossh.ParsePrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	if certFile == "" {
		return s, nil
	}
	b, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("read certificate: %w", err)
	}
	pk, _, _, _, err := gossh.ParseAuthorizedKey(b)
	if err != nil {
		return nil, fmt.Errorf("parse certificate %s: %w", certFile, err)
	}
	cert, ok := pk.(*gossh.Certificate)
	if !ok {
		return nil, fmt.Errorf("%s is not an ssh certificate", certFile)
	}
	cs, err := gossh.NewCertSigner(cert, s)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", certFile, err)
	}
	return cs, nil
}
