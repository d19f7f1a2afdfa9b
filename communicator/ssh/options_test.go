package ssh

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
	gossh "golang.org/x/crypto/ssh"
)

// fakeServer is an in-process SSH server that lets anyone in, counts the
// keep-alives it receives and answers every command with status 0.
type fakeServer struct {
	addr       string
	keepalives atomic.Int32
}

func startFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &gossh.ServerConfig{PasswordCallback: func(gossh.ConnMetadata, []byte) (*gossh.Permissions, error) { return nil, nil }}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &fakeServer{addr: l.Addr().String()}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			go s.serve(conn, cfg)
		}
	}()
	return s
}

func (s *fakeServer) serve(conn net.Conn, cfg *gossh.ServerConfig) {
	_, chans, reqs, err := gossh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go func() {
		for r := range reqs {
			if r.Type == "keepalive@openssh.com" {
				s.keepalives.Add(1)
			}
			if r.WantReply {
				_ = r.Reply(false, nil)
			}
		}
	}()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(gossh.UnknownChannelType, "no")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go func() {
			for r := range creqs {
				if r.Type != "exec" {
					_ = r.Reply(false, nil)
					continue
				}
				_ = r.Reply(true, nil)
				_, _ = ch.SendRequest("exit-status", false, gossh.Marshal(struct{ Status uint32 }{0}))
				ch.Close()
			}
		}()
	}
}

func (s *fakeServer) config(t *testing.T) *Config {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	cc, err := ClientConfig("anyone", AuthOptions{Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var p int
	fmt.Sscan(port, &p)
	return &Config{Host: host, Port: p, Client: cc}
}

// ssh_keep_alive_interval: keep-alives go out at that interval; none
// when it is not positive.
func TestKeepAlive(t *testing.T) {
	s := startFakeServer(t)
	cfg := s.config(t)
	cfg.KeepAliveInterval = 5 * time.Millisecond
	connect(t, cfg)
	deadline := time.Now().Add(10 * time.Second)
	for s.keepalives.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := s.keepalives.Load(); n < 3 {
		t.Errorf("%d keep-alives, want them to keep coming", n)
	}

	s = startFakeServer(t)
	cfg = s.config(t)
	cfg.KeepAliveInterval = -time.Second
	c := connect(t, cfg)
	for range 5 {
		if st, _, _ := run(t, c, "true"); st != 0 {
			t.Fatalf("status %d", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.keepalives.Load(); n != 0 {
		t.Errorf("%d keep-alives with keep-alives disabled", n)
	}
}

// freezer forwards TCP connections to target until frozen; then it
// forwards nothing more and refuses new connections, like a host that
// went away without closing anything.
type freezer struct {
	l      net.Listener
	frozen chan struct{}
	once   sync.Once
}

func startFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{l: l, frozen: make(chan struct{})}
	t.Cleanup(func() { f.freeze(); l.Close() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			t.Cleanup(func() { in.Close(); out.Close() })
			go f.pipe(out, in)
			go f.pipe(in, out)
		}
	}()
	return f
}

func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-f.frozen:
			return
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (f *freezer) freeze() {
	f.once.Do(func() {
		close(f.frozen)
		f.l.Close()
	})
}

func (f *freezer) port() int { return f.l.Addr().(*net.TCPAddr).Port }

// ssh_read_write_timeout: when the host stops answering, the connection
// fails instead of hanging, and keep-alives do not keep it alive.
func TestReadWriteTimeout(t *testing.T) {
	s := testenv.RequireSSHD(t)
	f := startFreezer(t, s.Addr())
	cfg := keyConfig(t, s)
	cfg.Host, cfg.Port = "127.0.0.1", f.port()
	cfg.ReadWriteTimeout = 300 * time.Millisecond
	cfg.KeepAliveInterval = 20 * time.Millisecond
	c := connect(t, cfg)
	if st, out, _ := run(t, c, "echo alive"); st != 0 || out != "alive\n" {
		t.Fatalf("before: (%d, %q)", st, out)
	}
	// A command longer than the timeout is fine while the host answers
	// the keep-alives.
	if st, _, _ := run(t, c, "sleep 1"); st != 0 {
		t.Errorf("sleep 1 with a live host: status %d", st)
	}
	f.freeze()
	cmd := &sdk.RemoteCmd{Command: "echo hello", Stdout: io.Discard, Stderr: io.Discard}
	if err := c.Start(t.Context(), cmd); err == nil {
		if st := cmd.Wait(); st != sdk.CmdDisconnect {
			t.Errorf("frozen host: status %d, want an error or CmdDisconnect", st)
		}
	}
}

// ssh_local_tunnels: a port on the remote machine reaches a port of this
// one (Packer's "8080:localhost:3000" lets the machine use this one's 3000
// as its localhost:8080).
func TestLocalTunnels(t *testing.T) {
	s := testenv.RequireSSHD(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
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
			conn.Write([]byte("pong"))
			conn.Close()
		}
	}()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fwd := free.Addr().(*net.TCPAddr).Port
	free.Close()
	cfg := keyConfig(t, s)
	cfg.LocalTunnels = []string{fmt.Sprintf("%d:127.0.0.1:%d", fwd, l.Addr().(*net.TCPAddr).Port)}
	c := connect(t, cfg)
	// The test sshd runs here, so "the remote machine" is this one: the
	// sshd listens on fwd and forwards to the pong server through kiln.
	if len(c.remote) != 1 {
		t.Fatalf("%d remote listeners, want 1", len(c.remote))
	}
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", fwd))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 4)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "pong" {
		t.Errorf("through the tunnel: %q, %v", buf, err)
	}
}

// ssh_ciphers and ssh_key_exchange_algorithms restrict the algorithms: the
// connection works with ones the server has, and fails without.
func TestCiphersAndKeyExchanges(t *testing.T) {
	s := testenv.RequireSSHD(t)
	key, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ciphers, kex []string
		wantErr      string
	}{
		{[]string{"aes256-gcm@openssh.com"}, []string{"curve25519-sha256"}, ""},
		{[]string{"aes128-ctr"}, nil, ""},
		{[]string{"arcfour256"}, nil, "no common algorithm for client to server cipher"},
		{nil, []string{"diffie-hellman-group1-sha1"}, "no common algorithm for key exchange"},
	} {
		cc, err := ClientConfig(s.User, AuthOptions{PrivateKeys: [][]byte{key}, Ciphers: tc.ciphers, KeyExchanges: tc.kex})
		if err != nil {
			t.Fatal(err)
		}
		c, err := Connect(t.Context(), &Config{Host: s.Host, Port: s.Port, Client: cc})
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%v %v: %v", tc.ciphers, tc.kex, err)
			} else {
				c.Close()
			}
			continue
		}
		if err == nil {
			c.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%v %v: %v, want %q", tc.ciphers, tc.kex, err, tc.wantErr)
		}
	}
}

// startPrivateSSHD runs another sshd as root on 127.0.0.1, with the test
// sshd's host key and authorized keys, without SFTP and with extra
// configuration lines; it returns the port.
func startPrivateSSHD(t *testing.T, s testenv.SSHD, extra string) int {
	t.Helper()
	testenv.RequireRoot(t)
	dir := filepath.Dir(s.KeyFile)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	tmp := t.TempDir()
	conf := filepath.Join(tmp, "sshd_config")
	os.WriteFile(conf, []byte(fmt.Sprintf(`ListenAddress 127.0.0.1:%d
HostKey %s/ssh_host_ed25519_key
PidFile %s/sshd.pid
AuthorizedKeysFile %s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
%s
`, port, dir, tmp, dir, extra)), 0o600)
	cmd := exec.Command("/usr/sbin/sshd", "-D", "-f", conf, "-E", filepath.Join(tmp, "sshd.log"))
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 100 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return port
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(tmp, "sshd.log"))
	t.Fatalf("the private sshd did not start: %s", log)
	return 0
}

// ssh_certificate_file: a key signed by a CA the server trusts logs in
// with the certificate, not on its own.
func TestCertificateAuth(t *testing.T) {
	s := testenv.RequireSSHD(t)
	tmp := t.TempDir()
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	ca, err := gossh.NewSignerFromKey(caPriv)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(tmp, "ca.pub")
	os.WriteFile(caFile, gossh.MarshalAuthorizedKey(ca.PublicKey()), 0o644)
	// The user key is not in authorized_keys.
	userPub, userPriv, _ := ed25519.GenerateKey(rand.Reader)
	pemBlock, err := gossh.MarshalPrivateKey(userPriv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(pemBlock)
	sshPub, _ := gossh.NewPublicKey(userPub)
	cert := &gossh.Certificate{
		Key: sshPub, CertType: gossh.UserCert, KeyId: "kiln-test",
		ValidPrincipals: []string{s.User}, ValidBefore: gossh.CertTimeInfinity,
		Permissions: gossh.Permissions{Extensions: map[string]string{"permit-pty": ""}},
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(tmp, "id-cert.pub")
	os.WriteFile(certFile, gossh.MarshalAuthorizedKey(cert), 0o644)

	port := startPrivateSSHD(t, s, "TrustedUserCAKeys "+caFile)
	cc, err := ClientConfig(s.User, AuthOptions{PrivateKeys: [][]byte{keyPEM}, CertificateFile: certFile})
	if err != nil {
		t.Fatal(err)
	}
	c := connect(t, &Config{Host: "127.0.0.1", Port: port, Client: cc})
	if st, out, _ := run(t, c, "echo certified"); st != 0 || out != "certified\n" {
		t.Errorf("(%d, %q)", st, out)
	}
	cc, _ = ClientConfig(s.User, AuthOptions{PrivateKeys: [][]byte{keyPEM}})
	if _, err := Connect(t.Context(), &Config{Host: "127.0.0.1", Port: port, Client: cc}); err == nil {
		t.Error("the key without its certificate logged in")
	}
	if _, err := SignerFromPEM(keyPEM, caFile); err == nil || !strings.Contains(err.Error(), "is not an ssh certificate") {
		t.Errorf("a plain public key as certificate: %v", err)
	}
}
