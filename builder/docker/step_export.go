package docker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kilnbuild/kiln/multistep"
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
	if err := exportTo(ctx, drv, id, cfg.ExportPath); err != nil {
		return multistep.HaltWith(state, err)
	}
	return multistep.Continue
}

func exportTo(ctx context.Context, drv Driver, id, path string) (err error) {
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
	w := bufio.NewWriterSize(f, 1<<20)
	if err := drv.Export(ctx, id, w); err != nil {
		return err
	}
	return errors.Join(w.Flush())
}

// Cleanup implements multistep.Step.
func (StepExport) Cleanup(*multistep.State) {}
