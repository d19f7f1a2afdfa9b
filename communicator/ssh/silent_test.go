package ssh

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/sdk"
	gossh "golang.org/x/crypto/ssh"
)

// silentServer is an SSH server that logs anyone in and never answers a
// channel open: what a host looks like whose connection is dropping. It
// returns the port it listens on.
func silentServer(t *testing.T) int {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &gossh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
			go func() {
				_, chans, reqs, err := gossh.NewServerConn(conn, cfg)
				if err != nil {
					return
				}
				go gossh.DiscardRequests(reqs)
				for range chans {
					// Never accepted, never rejected.
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func silentComm(t *testing.T) *Comm {
	t.Helper()
	cc := &gossh.ClientConfig{User: "u", HostKeyCallback: gossh.InsecureIgnoreHostKey()}
	return connect(t, &Config{Host: "127.0.0.1", Port: silentServer(t), Client: cc})
}

// A command whose session is never answered gives up when its context
// ends instead of waiting forever.
func TestSessionNeverAnswered(t *testing.T) {
	c := silentComm(t)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Start(ctx, &sdk.RemoteCmd{Command: "true"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Start = %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Start returned after %s", d)
	}
}

// A session asked for as the connection ends fails at once, so that the
// communicator can connect again: the server will never answer it.
func TestSessionOnLostConnection(t *testing.T) {
	c := silentComm(t)
	gone := make(chan struct{})
	close(gone)
	c.mu.Lock()
	c.gone = gone
	client := c.client
	c.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		_, err := c.openSession(t.Context(), client)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errConnectionLost) {
			t.Errorf("openSession = %v, want errConnectionLost", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("openSession waited for an answer on a lost connection")
	}
}
