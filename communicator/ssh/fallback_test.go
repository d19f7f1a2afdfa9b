package ssh

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/internal/testenv"
)

// A second sshd, without the SFTP subsystem: with no transfer method set
// the communicator falls back to scp; with "sftp" it fails.
func TestFallbackToSCP(t *testing.T) {
	s := testenv.RequireSSHD(t)
	port := startPrivateSSHD(t, s, "")

	cfg := keyConfig(t, s)
	cfg.Port = port
	c := connect(t, cfg)
	remote := t.TempDir()
	if err := c.Upload(t.Context(), remote+"/f", strings.NewReader("by scp"), nil); err != nil {
		t.Fatalf("upload with fallback: %v", err)
	}
	if b, _ := os.ReadFile(remote + "/f"); string(b) != "by scp" {
		t.Errorf("content %q", b)
	}
	if c.sftp == nil || c.sftp.unavailable == nil {
		t.Error("SFTP was not found missing")
	}

	cfg = keyConfig(t, s)
	cfg.Port = port
	cfg.FileTransfer = "sftp"
	c = connect(t, cfg)
	if err := c.Upload(t.Context(), remote+"/g", strings.NewReader("x"), nil); err == nil {
		t.Error("upload with sftp required but missing succeeded")
	}
}

// socks5 is a minimal SOCKS5 server (RFC 1928, with RFC 1929
// username/password when user is set) for the proxy test.
func socks5(t *testing.T, user, pass string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveSOCKS(c, user, pass)
		}
	}()
	return l.Addr().String()
}

func serveSOCKS(c net.Conn, user, pass string) {
	defer c.Close()
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(c, hdr); err != nil || hdr[0] != 5 {
		return
	}
	methods := make([]byte, hdr[1])
	io.ReadFull(c, methods)
	if user == "" {
		c.Write([]byte{5, 0})
	} else {
		c.Write([]byte{5, 2})
		var b [1]byte
		io.ReadFull(c, b[:]) // version
		io.ReadFull(c, b[:])
		u := make([]byte, b[0])
		io.ReadFull(c, u)
		io.ReadFull(c, b[:])
		p := make([]byte, b[0])
		io.ReadFull(c, p)
		if string(u) != user || string(p) != pass {
			c.Write([]byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	req := make([]byte, 4)
	if _, err := io.ReadFull(c, req); err != nil || req[1] != 1 {
		return
	}
	var host string
	switch req[3] {
	case 1:
		ip := make([]byte, 4)
		io.ReadFull(c, ip)
		host = net.IP(ip).String()
	case 3:
		var n [1]byte
		io.ReadFull(c, n[:])
		name := make([]byte, n[0])
		io.ReadFull(c, name)
		host = string(name)
	default:
		return
	}
	var pb [2]byte
	io.ReadFull(c, pb[:])
	up, err := net.Dial("tcp", net.JoinHostPort(host, fmt.Sprint(binary.BigEndian.Uint16(pb[:]))))
	if err != nil {
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	go io.Copy(up, c)
	io.Copy(c, up)
}

func TestSOCKSProxy(t *testing.T) {
	s := testenv.RequireSSHD(t)
	addr := socks5(t, "puser", "ppass")
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	cfg := keyConfig(t, s)
	cfg.Proxy = &Proxy{Host: host, Port: p, Username: "puser", Password: "ppass"}
	c := connect(t, cfg)
	if st, out, _ := run(t, c, "echo proxied"); st != 0 || out != "proxied\n" {
		t.Errorf("(%d, %q)", st, out)
	}
	cfg = keyConfig(t, s)
	cfg.Proxy = &Proxy{Host: host, Port: p, Username: "puser", Password: "wrong"}
	if _, err := Connect(t.Context(), cfg); err == nil {
		t.Error("connected through the proxy with a wrong password")
	}
}
