package ssh

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// keyConfig logs in to the test sshd as its key user.
func keyConfig(t testing.TB, s testenv.SSHD) *Config {
	t.Helper()
	key, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := ClientConfig(s.User, AuthOptions{PrivateKeys: [][]byte{key}})
	if err != nil {
		t.Fatal(err)
	}
	return &Config{Host: s.Host, Port: s.Port, Client: cc}
}

func connect(t testing.TB, cfg *Config) *Comm {
	t.Helper()
	c, err := Connect(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func run(t *testing.T, c sdk.Communicator, command string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := &sdk.RemoteCmd{Command: command, Stdout: &out, Stderr: &errb}
	if err := c.Start(t.Context(), cmd); err != nil {
		t.Fatalf("Start(%q): %v", command, err)
	}
	return cmd.Wait(), out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	s := testenv.RequireSSHD(t)
	c := connect(t, keyConfig(t, s))
	for _, tc := range []struct {
		cmd         string
		status      int
		out, errOut string
	}{
		{"echo hello; id -un", 0, "hello\nroot\n", ""},
		{"echo oops >&2; exit 7", 7, "", "oops\n"},
		{"[ -t 0 ] && echo tty || echo notty", 0, "notty\n", ""},
	} {
		st, out, errOut := run(t, c, tc.cmd)
		if st != tc.status || out != tc.out || errOut != tc.errOut {
			t.Errorf("%q: got (%d, %q, %q), want (%d, %q, %q)", tc.cmd, st, out, errOut, tc.status, tc.out, tc.errOut)
		}
	}
	var out bytes.Buffer
	cmd := &sdk.RemoteCmd{Command: "tr a-z A-Z", Stdin: strings.NewReader("abc"), Stdout: &out}
	if err := c.Start(t.Context(), cmd); err != nil {
		t.Fatal(err)
	}
	if st := cmd.Wait(); st != 0 || out.String() != "ABC" {
		t.Errorf("stdin: (%d, %q)", st, out.String())
	}
}

func TestPty(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := keyConfig(t, s)
	cfg.Pty = true
	c := connect(t, cfg)
	if st, out, _ := run(t, c, "[ -t 0 ] && echo tty || echo notty"); st != 0 || strings.TrimSpace(out) != "tty" {
		t.Errorf("with pty: (%d, %q)", st, out)
	}
}

// A command that kills its own connection reports CmdDisconnect, as a
// reboot does.
func TestDisconnect(t *testing.T) {
	s := testenv.RequireSSHD(t)
	c := connect(t, keyConfig(t, s))
	st, _, _ := run(t, c, "kill -9 $PPID")
	if st != sdk.CmdDisconnect {
		t.Errorf("status = %d, want CmdDisconnect (%d)", st, sdk.CmdDisconnect)
	}
}

// After a disconnect the communicator connects again by itself, for
// commands and for both transfer methods, as Packer's does after a reboot.
func TestReconnect(t *testing.T) {
	s := testenv.RequireSSHD(t)
	for _, method := range []string{"sftp", "scp"} {
		t.Run(method, func(t *testing.T) {
			cfg := keyConfig(t, s)
			cfg.FileTransfer = method
			c := connect(t, cfg)
			remote := t.TempDir()
			// Open the SFTP client on the first connection.
			if err := c.Upload(t.Context(), remote+"/before", strings.NewReader("1"), nil); err != nil {
				t.Fatal(err)
			}
			first := c.Client()
			if st, _, _ := run(t, c, "kill -9 $PPID"); st != sdk.CmdDisconnect {
				t.Fatalf("status = %d, want CmdDisconnect", st)
			}
			if st, out, _ := run(t, c, "echo again"); st != 0 || out != "again\n" {
				t.Errorf("after the disconnect: (%d, %q)", st, out)
			}
			if c.Client() == first {
				t.Error("the same client is still in use")
			}
			if err := c.Upload(t.Context(), remote+"/after", strings.NewReader("2"), nil); err != nil {
				t.Fatalf("upload after the disconnect: %v", err)
			}
			if b, _ := os.ReadFile(remote + "/after"); string(b) != "2" {
				t.Errorf("uploaded %q", b)
			}
		})
	}
	// A closed communicator does not reconnect.
	c, err := Connect(t.Context(), keyConfig(t, s))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := c.Start(t.Context(), &sdk.RemoteCmd{Command: "true"}); err == nil {
		t.Error("a closed communicator ran a command")
	}
}

func TestPasswordAuth(t *testing.T) {
	s := testenv.RequireSSHD(t)
	if s.PasswordUser == "" {
		testenv.SkipUnprepared(t, "the test sshd has no password user (scripts/ci-setup.sh makes one)")
	}
	cc, err := ClientConfig(s.PasswordUser, AuthOptions{Password: s.Password})
	if err != nil {
		t.Fatal(err)
	}
	c := connect(t, &Config{Host: s.Host, Port: s.Port, Client: cc})
	if st, out, _ := run(t, c, "id -un"); st != 0 || strings.TrimSpace(out) != s.PasswordUser {
		t.Errorf("id: (%d, %q)", st, out)
	}
	cc, _ = ClientConfig(s.PasswordUser, AuthOptions{Password: "wrong"})
	_, err = Connect(t.Context(), &Config{Host: s.Host, Port: s.Port, Client: cc})
	var he *HandshakeError
	if !asHandshake(err, &he) {
		t.Errorf("wrong password: %v, want a HandshakeError", err)
	}
}

func asHandshake(err error, he **HandshakeError) bool {
	for err != nil {
		if h, ok := err.(*HandshakeError); ok {
			*he = h
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// The agent speaks the real protocol over a Unix socket.
func TestAgentAuth(t *testing.T) {
	s := testenv.RequireSSHD(t)
	pem, err := os.ReadFile(s.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := gossh.ParseRawPrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
		t.Fatal(err)
	}
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
			go agent.ServeAgent(keyring, conn)
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
	cc, err := ClientConfig(s.User, AuthOptions{Agent: true})
	if err != nil {
		t.Fatal(err)
	}
	c := connect(t, &Config{Host: s.Host, Port: s.Port, Client: cc, AgentForwarding: true})
	// With forwarding, the remote side sees the agent too, in every
	// session.
	for i := range 2 {
		if st, out, _ := run(t, c, `[ -n "$SSH_AUTH_SOCK" ] && ssh-add -l >/dev/null && echo forwarded`); st != 0 || strings.TrimSpace(out) != "forwarded" {
			t.Errorf("agent forwarding, session %d: (%d, %q)", i+1, st, out)
		}
	}
	// Without, it does not.
	c = connect(t, &Config{Host: s.Host, Port: s.Port, Client: cc})
	if st, out, _ := run(t, c, `echo "[$SSH_AUTH_SOCK]"`); st != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no agent forwarding: (%d, %q)", st, out)
	}
}

// The bastion is the test sshd itself: the connection to it is tunnelled
// through a first connection to it.
func TestBastion(t *testing.T) {
	s := testenv.RequireSSHD(t)
	cfg := keyConfig(t, s)
	cfg.Bastion = &Hop{Host: s.Host, Port: s.Port, Client: keyConfig(t, s).Client}
	c := connect(t, cfg)
	if st, out, _ := run(t, c, "echo via bastion"); st != 0 || out != "via bastion\n" {
		t.Errorf("(%d, %q)", st, out)
	}
	if c.bastion == nil {
		t.Error("no bastion connection made")
	}
}

func TestTunnels(t *testing.T) {
	s := testenv.RequireSSHD(t)
	// A local TCP server that answers "pong".
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
	port := l.Addr().(*net.TCPAddr).Port
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fwd := free.Addr().(*net.TCPAddr).Port
	free.Close()
	cfg := keyConfig(t, s)
	cfg.RemoteTunnels = []string{fmt.Sprintf("%d:127.0.0.1:%d", fwd, port)}
	connect(t, cfg)
	conn, err := net.Dial("tcp", fmt.Sprintf("localhost:%d", fwd))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 4)
	if _, err := conn.Read(buf); err != nil || string(buf) != "pong" {
		t.Errorf("through the tunnel: %q, %v", buf, err)
	}
	for _, bad := range []string{"1:2", "x:h:1", "1::2", "1:h:99999"} {
		if _, err := ParseTunnel(bad); err == nil {
			t.Errorf("ParseTunnel(%q) accepted", bad)
		}
	}
}

func fixture(t testing.TB) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "dir")
	for _, f := range []string{"a.txt", "sub/b.txt", "sub/deeper/c.bin", "skip.log"} {
		p := filepath.Join(src, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("content of "+f), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			b, _ := os.ReadFile(p)
			out = append(out, filepath.ToSlash(rel)+"="+string(b))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// The file transfers, with SFTP and scp, on the same machine: "remote"
// paths are temporary directories.
func TestTransfers(t *testing.T) {
	s := testenv.RequireSSHD(t)
	for _, method := range []string{"sftp", "scp", ""} {
		t.Run("method="+method, func(t *testing.T) {
			cfg := keyConfig(t, s)
			cfg.FileTransfer = method
			c := connect(t, cfg)
			src := fixture(t)

			// Upload keeps the mode given; the directory must exist.
			remote := t.TempDir()
			fi, _ := os.Stat(filepath.Join(src, "a.txt"))
			if err := c.Upload(t.Context(), remote+"/up.txt", strings.NewReader("uploaded"), fi); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(remote + "/up.txt"); string(b) != "uploaded" {
				t.Errorf("upload content %q", b)
			}
			if st, _ := os.Stat(remote + "/up.txt"); st.Mode().Perm() != 0o640 {
				t.Errorf("upload mode %v, want 0640", st.Mode().Perm())
			}
			if err := c.Upload(t.Context(), remote+"/missing/x", strings.NewReader(""), nil); err == nil {
				t.Error("upload into a missing directory succeeded")
			}

			// Download.
			var buf bytes.Buffer
			if err := c.Download(t.Context(), filepath.Join(src, "a.txt"), &buf); err != nil || buf.String() != "content of a.txt" {
				t.Errorf("download: %q, %v", buf.String(), err)
			}
			if err := c.Download(t.Context(), filepath.Join(src, "nope"), &buf); err == nil {
				t.Error("download of a missing file succeeded")
			}

			all := []string{"a.txt=content of a.txt", "skip.log=content of skip.log", "sub/b.txt=content of sub/b.txt", "sub/deeper/c.bin=content of sub/deeper/c.bin"}
			prefixed := func(p string) []string {
				var out []string
				for _, e := range all {
					out = append(out, p+e)
				}
				return out
			}
			// UploadDir: dir → dst/dir, dir/ → dst; dst is created.
			for _, tc := range []struct {
				src  string
				excl []string
				want []string
			}{
				{src, nil, prefixed("dir/")},
				{src + "/", nil, all},
				{src + "/", []string{"*.log"}, slices.DeleteFunc(slices.Clone(all), func(s string) bool { return strings.HasPrefix(s, "skip") })},
			} {
				dst := filepath.Join(t.TempDir(), "made", "here")
				if err := c.UploadDir(t.Context(), dst, tc.src, tc.excl); err != nil {
					t.Fatalf("UploadDir(%q): %v", tc.src, err)
				}
				if got := tree(t, dst); !slices.Equal(got, tc.want) {
					t.Errorf("UploadDir(%q, %v): got %v, want %v", tc.src, tc.excl, got, tc.want)
				}
			}
			// DownloadDir: the same rule, and globs.
			for _, tc := range []struct {
				src  string
				want []string
			}{
				{src, prefixed("dir/")},
				{src + "/", all},
				{src + "/*.txt", []string{"a.txt=content of a.txt"}},
			} {
				dst := filepath.Join(t.TempDir(), "out")
				if err := c.DownloadDir(t.Context(), tc.src, dst, nil); err != nil {
					t.Fatalf("DownloadDir(%q): %v", tc.src, err)
				}
				if got := tree(t, dst); !slices.Equal(got, tc.want) {
					t.Errorf("DownloadDir(%q): got %v, want %v", tc.src, got, tc.want)
				}
			}
		})
	}
}

// BenchmarkUploadDir uploads 2,000 small files over one connection.
func BenchmarkUploadDir(b *testing.B) {
	s := testenv.RequireSSHD(b)
	src := b.TempDir()
	for i := range 2000 {
		dir := filepath.Join(src, fmt.Sprintf("d%02d", i%20))
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d.txt", i)), bytes.Repeat([]byte("x"), 512+i%1024), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, method := range []string{"sftp", "scp"} {
		b.Run(method, func(b *testing.B) {
			cfg := keyConfig(b, s)
			cfg.FileTransfer = method
			c := connect(b, cfg)
			for b.Loop() {
				dst := filepath.Join(b.TempDir(), "dst")
				if err := c.UploadDir(b.Context(), dst, src+"/", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpload uploads one 64 MiB file over one connection (the
// 1 GiB comparison with scp is measured with the kiln binary; see
// docs/components.md).
func BenchmarkUpload(b *testing.B) {
	s := testenv.RequireSSHD(b)
	src := filepath.Join(b.TempDir(), "src.bin")
	data := make([]byte, 64<<20)
	cc := rand.NewChaCha8([32]byte{1})
	cc.Read(data)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, method := range []string{"sftp", "scp"} {
		b.Run(method, func(b *testing.B) {
			cfg := keyConfig(b, s)
			cfg.FileTransfer = method
			c := connect(b, cfg)
			dst := filepath.Join(b.TempDir(), "dst.bin")
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				f, err := os.Open(src)
				if err != nil {
					b.Fatal(err)
				}
				fi, _ := f.Stat()
				if err := c.Upload(b.Context(), dst, f, fi); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}
