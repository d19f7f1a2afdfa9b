package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	gossh "golang.org/x/crypto/ssh"
)

// Tunnel is a parsed "PORT:HOST:PORT" forward.
type Tunnel struct {
	ListenPort int
	Host       string
	Port       int
}

// ParseTunnel parses "PORT:HOST:PORT".
func ParseTunnel(s string) (Tunnel, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return Tunnel{}, errors.New("expected PORT:HOST:PORT")
	}
	lp, err := strconv.Atoi(parts[0])
	if err != nil || lp <= 0 || lp > 65535 {
		return Tunnel{}, fmt.Errorf("bad port %q", parts[0])
	}
	if parts[1] == "" {
		return Tunnel{}, errors.New("empty host")
	}
	p, err := strconv.Atoi(parts[2])
	if err != nil || p <= 0 || p > 65535 {
		return Tunnel{}, fmt.Errorf("bad port %q", parts[2])
	}
	return Tunnel{ListenPort: lp, Host: parts[1], Port: p}, nil
}

// startTunnels opens the configured forwards. A remote tunnel (as
// Packer's ssh_remote_tunnels) listens on this machine and reaches
// HOST:PORT from the remote one; a local tunnel (ssh_local_tunnels)
// listens on the remote machine and reaches HOST:PORT from this one.
func (c *Comm) startTunnels() error {
	for _, s := range c.cfg.RemoteTunnels {
		t, err := ParseTunnel(s)
		if err != nil {
			return fmt.Errorf("ssh_remote_tunnels %q: %w", s, err)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("localhost", strconv.Itoa(t.ListenPort)))
		if err != nil {
			return fmt.Errorf("tunnel %s: %w", s, err)
		}
		c.mu.Lock()
		c.listeners = append(c.listeners, l)
		c.mu.Unlock()
		target := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
		go serveTunnel(l, func() (net.Conn, error) {
			client, err := c.live(context.Background())
			if err != nil {
				return nil, err
			}
			return client.Dial("tcp", target)
		})
	}
	return c.startRemoteListeners(c.Client())
}

// startRemoteListeners opens the local tunnels' listeners on the remote
// machine through client.
func (c *Comm) startRemoteListeners(client *gossh.Client) error {
	for _, s := range c.cfg.LocalTunnels {
		t, err := ParseTunnel(s)
		if err != nil {
			return fmt.Errorf("ssh_local_tunnels %q: %w", s, err)
		}
		l, err := client.Listen("tcp", net.JoinHostPort("localhost", strconv.Itoa(t.ListenPort)))
		if err != nil {
			return fmt.Errorf("tunnel %s: %w", s, err)
		}
		c.mu.Lock()
		c.remote = append(c.remote, l)
		c.mu.Unlock()
		target := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
		go serveTunnel(l, func() (net.Conn, error) { return net.Dial("tcp", target) })
	}
	return nil
}

func serveTunnel(l net.Listener, dial func() (net.Conn, error)) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			out, err := dial()
			if err != nil {
				return
			}
			defer out.Close()
			var wg sync.WaitGroup
			wg.Go(func() { _, _ = io.Copy(out, in); closeWrite(out) })
			wg.Go(func() { _, _ = io.Copy(in, out); closeWrite(in) })
			wg.Wait()
		}()
	}
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}
