package ssh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/kilnbuild/kiln/sdk"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

var _ sdk.Communicator = (*Comm)(nil)

// Start implements sdk.Communicator: it runs cmd in a new session. An exit
// status the server never sent (a dropped connection, a reboot) is reported
// as sdk.CmdDisconnect. When ctx ends the command is signalled and its
// session closed.
func (c *Comm) Start(ctx context.Context, cmd *sdk.RemoteCmd) error {
	sess, err := c.newSession(ctx, cmd.Stdin)
	if err != nil {
		return err
	}
	sess.Stdout = cmd.Stdout
	sess.Stderr = cmd.Stderr
	if c.cfg.Pty {
		modes := gossh.TerminalModes{gossh.ECHO: 0, gossh.TTY_OP_ISPEED: 14400, gossh.TTY_OP_OSPEED: 14400}
		if err := sess.RequestPty("xterm", 40, 80, modes); err != nil {
			sess.Close()
			return fmt.Errorf("request pty: %w", err)
		}
	}
	if c.cfg.AgentForwarding {
		// Failures are not fatal, as in Packer.
		_ = agent.RequestAgentForwarding(sess)
	}
	if err := sess.Start(cmd.Command); err != nil {
		sess.Close()
		return fmt.Errorf("start command: %w", err)
	}
	stop := context.AfterFunc(ctx, func() {
		_ = sess.Signal(gossh.SIGKILL)
		sess.Close()
	})
	go func() {
		err := sess.Wait()
		stop()
		sess.Close()
		cmd.SetExited(exitStatus(err))
	}()
	return nil
}

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		if ee.Signal() != "" && ee.ExitStatus() == 0 {
			return 128 + signalNumber(ee.Signal())
		}
		return ee.ExitStatus()
	}
	// ExitMissingError, io errors: the connection went away.
	return sdk.CmdDisconnect
}

func signalNumber(name string) int {
	switch name {
	case "HUP":
		return 1
	case "INT":
		return 2
	case "QUIT":
		return 3
	case "KILL":
		return 9
	case "TERM":
		return 15
	}
	return 0
}

// newSession opens a session, reconnecting first when the connection
// is gone, or when opening the session shows it is.
func (c *Comm) newSession(ctx context.Context, stdin io.Reader) (*gossh.Session, error) {
	client, err := c.live(ctx)
	if err != nil {
		return nil, fmt.Errorf("open ssh session: %w", err)
	}
	sess, err := c.openSession(ctx, client)
	if err != nil && ctx.Err() == nil {
		client, rerr := c.reconnect(ctx, client)
		if rerr != nil {
			return nil, fmt.Errorf("open ssh session: %w", errors.Join(err, rerr))
		}
		sess, err = c.openSession(ctx, client)
	}
	if err != nil {
		return nil, fmt.Errorf("open ssh session: %w", err)
	}
	if stdin != nil {
		sess.Stdin = stdin
	}
	return sess, nil
}

// errConnectionLost is returned for a session asked for as the connection
// ended.
var errConnectionLost = errors.New("the connection was lost")

// openSession opens a session on client. It gives up when ctx ends or when
// client's connection ends first: a channel opened just as the connection
// drops is never answered, and x/crypto/ssh would wait for that answer
// forever.
func (c *Comm) openSession(ctx context.Context, client *gossh.Client) (*gossh.Session, error) {
	c.mu.Lock()
	gone := c.gone
	if c.client != client {
		gone = nil
	}
	c.mu.Unlock()
	if gone == nil {
		// A replaced client: its connection is closed or closing.
		return nil, errConnectionLost
	}
	type result struct {
		sess *gossh.Session
		err  error
	}
	opened := make(chan result, 1)
	go func() {
		s, err := client.NewSession()
		opened <- result{s, err}
	}()
	abandon := func() {
		go func() {
			if r := <-opened; r.sess != nil {
				r.sess.Close()
			}
		}()
	}
	select {
	case r := <-opened:
		return r.sess, r.err
	case <-gone:
		abandon()
		return nil, errConnectionLost
	case <-ctx.Done():
		abandon()
		return nil, ctx.Err()
	}
}

// run runs command and returns its combined output, failing on a
// non-zero status.
func (c *Comm) run(ctx context.Context, command string) error {
	var out limitedBuffer
	cmd := &sdk.RemoteCmd{Command: command, Stdout: &out, Stderr: &out}
	if err := c.Start(ctx, cmd); err != nil {
		return err
	}
	if st := cmd.Wait(); st != 0 {
		return fmt.Errorf("%s: exit status %d: %s", command, st, out.String())
	}
	return nil
}

// limitedBuffer keeps the first 4 KiB written to it; stdout and stderr
// may write concurrently.
type limitedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := 4096 - len(l.b); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		l.b = append(l.b, p[:room]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
