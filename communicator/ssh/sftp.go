package ssh

import (
	"context"
	"encoding/binary"
	"errors"
	"io"

	"github.com/pkg/sftp"
	gossh "golang.org/x/crypto/ssh"
)

// sftpMaxData is the most file data one SFTP read or write carries: with
// its request header, a write then fits in one SSH packet of the 32 KiB
// OpenSSH allows on a session channel. (At 32 KiB of data, each write
// would go out as a full packet plus a 29-byte one, doubling the packets
// both ends handle.)
const sftpMaxData = 32768 - 64

// openSFTP starts the SFTP subsystem in a new session of client.
func (c *Comm) openSFTP(ctx context.Context, client *gossh.Client) (*sftp.Client, error) {
	sess, err := c.openSession(ctx, client)
	if err != nil {
		return nil, err
	}
	stdin, err := sess.StdinPipe()
	if err == nil {
		var stdout io.Reader
		if stdout, err = sess.StdoutPipe(); err == nil {
			if err = sess.RequestSubsystem("sftp"); err == nil {
				var cl *sftp.Client
				cl, err = sftp.NewClientPipe(stdout, &packetWriter{w: stdin, session: sess},
					sftp.UseConcurrentWrites(true), sftp.MaxPacketUnchecked(sftpMaxData))
				if err == nil {
					return cl, nil
				}
			}
		}
	}
	sess.Close()
	return nil, err
}

// packetWriter hands the SSH channel whole SFTP packets, one Write each.
// pkg/sftp writes a packet's header and its data separately, and every
// Write to a channel leaves as SSH packets of its own.
type packetWriter struct {
	w       io.WriteCloser
	session *gossh.Session
	buf     []byte
}

func (p *packetWriter) Write(b []byte) (int, error) {
	if len(p.buf) == 0 && packetsEnd(b) == len(b) {
		return p.w.Write(b)
	}
	p.buf = append(p.buf, b...)
	if n := packetsEnd(p.buf); n > 0 {
		if _, err := p.w.Write(p.buf[:n]); err != nil {
			return 0, err
		}
		p.buf = p.buf[:copy(p.buf, p.buf[n:])]
	}
	return len(b), nil
}

// packetsEnd returns the length of the whole packets at the start of b.
func packetsEnd(b []byte) int {
	n := 0
	for len(b)-n >= 4 {
		l := 4 + int(binary.BigEndian.Uint32(b[n:]))
		if len(b)-n < l {
			break
		}
		n += l
	}
	return n
}

// Close ends the subsystem's input and its session.
func (p *packetWriter) Close() error {
	return errors.Join(p.w.Close(), p.session.Close())
}
