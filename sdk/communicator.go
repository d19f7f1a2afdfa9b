package sdk

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"sync"
)

// Communicator runs commands on, and moves files to and from, the machine
// being built.
type Communicator interface {
	// Start starts cmd and returns once it is running; the command's exit
	// status is reported through cmd.SetExited when it ends. An error means
	// the command could not be started at all.
	Start(ctx context.Context, cmd *RemoteCmd) error
	// Upload writes r to the file dst on the machine. fi, when not nil,
	// gives the mode (and size, for progress) of the source.
	Upload(ctx context.Context, dst string, r io.Reader, fi fs.FileInfo) error
	// UploadDir copies the local directory src to dst. As with rsync, a
	// src ending in "/" copies its contents, otherwise the directory itself.
	// Paths matching exclude are left out.
	UploadDir(ctx context.Context, dst string, src string, exclude []string) error
	// Download writes the remote file src to w.
	Download(ctx context.Context, src string, w io.Writer) error
	// DownloadDir copies the remote directory src to the local dst.
	DownloadDir(ctx context.Context, src string, dst string, exclude []string) error
}

// CmdDisconnect is the exit status a communicator reports when the
// connection dropped before the command's status was known.
const CmdDisconnect = 2300218

// RemoteCmd is a command run through a Communicator. Stdout and Stderr,
// when set, receive the command's output as it is produced.
type RemoteCmd struct {
	Command string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer

	once       sync.Once
	exitCh     chan struct{}
	exitStatus int
	mu         sync.Mutex
}

func (r *RemoteCmd) init() {
	r.once.Do(func() { r.exitCh = make(chan struct{}) })
}

// SetExited records the command's exit status and wakes Wait. Communicators
// call it exactly once per started command.
func (r *RemoteCmd) SetExited(status int) {
	r.init()
	r.mu.Lock()
	r.exitStatus = status
	r.mu.Unlock()
	close(r.exitCh)
}

// Wait blocks until the command has exited and returns its exit status.
func (r *RemoteCmd) Wait() int {
	r.init()
	<-r.exitCh
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.exitStatus
}

// ExitStatus returns the status recorded by SetExited (0 before).
func (r *RemoteCmd) ExitStatus() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.exitStatus
}

// RunWithUi starts the command, streams its output to ui line by line
// (stdout as Message, stderr as Error) and waits for it. Output also goes to
// any Stdout/Stderr writers already set. It returns an error only when the
// command could not be run or ctx ended; a non-zero exit status is not an
// error here: read it with ExitStatus.
func (r *RemoteCmd) RunWithUi(ctx context.Context, comm Communicator, ui Ui) error {
	out := NewLineWriter(ui.Message)
	errw := NewLineWriter(ui.Error)
	defer out.Flush()
	defer errw.Flush()
	if r.Stdout != nil {
		r.Stdout = io.MultiWriter(r.Stdout, out)
	} else {
		r.Stdout = out
	}
	if r.Stderr != nil {
		r.Stderr = io.MultiWriter(r.Stderr, errw)
	} else {
		r.Stderr = errw
	}
	r.init()
	if err := comm.Start(ctx, r); err != nil {
		return fmt.Errorf("start command: %w", err)
	}
	select {
	case <-r.exitCh:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
