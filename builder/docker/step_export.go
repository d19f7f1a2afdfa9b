package docker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
)

// StepExport streams the container's file system, as a tar archive, to
// export_path (its directory is created). A failed export leaves no
// partial file behind.
type StepExport struct{}

// Run implements multistep.Step.
func (StepExport) Run(ctx context.Context, state *multistep.State) multistep.Action {
	cfg := multistep.MustGet(state, KeyConfig)
	drv := multistep.MustGet(state, KeyDriver)
	id := multistep.MustGet(state, KeyContainerID)
	u := ui(state)
	u.Say("Exporting the container")
	if err := exportTo(ctx, u, drv, id, cfg.ExportPath); err != nil {
		return multistep.HaltWith(state, err)
	}
	return multistep.Continue
}

func exportTo(ctx context.Context, u sdk.Ui, drv Driver, id, path string) (err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("export container %s: %w", shortID(id), err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export container %s: %w", shortID(id), err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export container %s: %w", shortID(id), cerr)
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	// No bufio.Writer in between: io.Copy would hand the response body
	// to its ReadFrom, which passes it on to the file's, so the buffer
	// would never be used. The file takes the body's 32 KiB pieces as
	// they come, as `docker export > file` does; measured, 1 MiB writes
	// cost the kernel several times more (the data is no longer in the
	// CPU caches when it is copied into the page cache). On a terminal a
	// progress bar counts the bytes on their way.
	w, done := sdk.TrackWrites(u, filepath.Base(path), 0, f)
	defer done()
	return drv.Export(ctx, id, w)
}

// Cleanup implements multistep.Step.
func (StepExport) Cleanup(*multistep.State) {}
