// Package none is a communicator that talks to no machine: every command
// "succeeds" with exit status 0 and no output, uploads are discarded and
// downloads are empty. The file builder hands it to provisioners, as
// Packer hands them a mock, so that a template's provisioners run without
// touching anything.
package none

import (
	"context"
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
