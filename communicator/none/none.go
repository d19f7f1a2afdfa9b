// Package none is a communicator that talks to no machine: every command
// "succeeds" with exit status 0 and no output, uploads are discarded and
// downloads are empty. The file builder hands it to provisioners, as
// Packer hands them a mock, so that a template's provisioners run without
// touching anything.
package none

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/kilnbuild/kiln/sdk"
)

// Communicator does nothing, successfully.
type Communicator struct{}

var _ sdk.Communicator = Communicator{}

// Start implements sdk.Communicator: the command exits 0 at once.
func (Communicator) Start(ctx context.Context, cmd *sdk.RemoteCmd) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cmd.SetExited(0)
	return nil
}

// Upload implements sdk.Communicator: r is read and discarded.
func (Communicator) Upload(_ context.Context, _ string, r io.Reader, _ fs.FileInfo) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// UploadDir implements sdk.Communicator.
func (Communicator) UploadDir(context.Context, string, string, []string) error { return nil }

// Download implements sdk.Communicator: nothing is written.
func (Communicator) Download(context.Context, string, io.Writer) error { return nil }

// DownloadDir implements sdk.Communicator.
func (Communicator) DownloadDir(context.Context, string, string, []string) error { return nil }

// Disabled is the communicator of `communicator = "none"`: provisioners
// that run on the host (shell-local) work, and anything that needs the
// machine fails saying why, as in Packer.
type Disabled struct{}

var _ sdk.Communicator = Disabled{}

func notImplemented(op string) error {
	return fmt.Errorf("%s is not implemented when communicator = 'none'", op)
}

// Start implements sdk.Communicator.
func (Disabled) Start(context.Context, *sdk.RemoteCmd) error { return notImplemented("Start") }

// Upload implements sdk.Communicator.
func (Disabled) Upload(context.Context, string, io.Reader, fs.FileInfo) error {
	return notImplemented("Upload")
}

// UploadDir implements sdk.Communicator.
func (Disabled) UploadDir(context.Context, string, string, []string) error {
	return notImplemented("UploadDir")
}

// Download implements sdk.Communicator.
func (Disabled) Download(context.Context, string, io.Writer) error {
	return notImplemented("Download")
}

// DownloadDir implements sdk.Communicator.
func (Disabled) DownloadDir(context.Context, string, string, []string) error {
	return notImplemented("DownloadDir")
}
