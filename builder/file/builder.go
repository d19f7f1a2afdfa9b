// Package file is the file builder: it writes a file, from a source file
// or from inline content, and runs the build's provisioners against a
// communicator that does nothing. It is used to test templates and
// post-processors without a machine.
package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/communicator/none"
	"github.com/kilnbuild/kiln/communicator/transfer"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// BuilderID is the BuilderId of the file builder's artifact (Packer's).
const BuilderID = "packer.file"

// Config is the file builder's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// Source is a file copied to Target.
	Source string `mapstructure:"source"`
	// Target is the file written.
	Target string `mapstructure:"target"`
	// Content is written to Target (mode 0600) when there is no Source.
	Content string `mapstructure:"content"`
}

// Builder is the file builder.
type Builder struct {
	config Config
}

var _ sdk.Builder = (*Builder)(nil)

// ConfigSpec implements sdk.Builder.
func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Builder.
func (b *Builder) Prepare(raws ...any) ([]string, []string, error) {
	var c Config
	if _, err := compconfig.Decode(&c, nil, raws...); err != nil {
		return nil, nil, err
	}
	var (
		errs     compconfig.Errors
		warnings []string
	)
	if c.Target == "" {
		errs.Key("target", "target required")
	}
	switch {
	case c.Source != "" && c.Content != "":
		errs.Add(errors.New("cannot specify source file AND content"))
	case c.Source == "" && c.Content == "":
		warnings = append(warnings, "Both source file and contents are blank; target will have no content")
	}
	if err := errs.Err(); err != nil {
		return nil, warnings, err
	}
	b.config = c
	return nil, warnings, nil
}

// Run implements sdk.Builder.
func (b *Builder) Run(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error) {
	c := b.config
	if dir := filepath.Dir(c.Target); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create target directory: %w", err)
		}
	}
	if c.Source != "" {
		if err := copyFile(ctx, ui, c.Source, c.Target); err != nil {
			return nil, err
		}
	} else if err := os.WriteFile(c.Target, []byte(c.Content), 0o600); err != nil {
		return nil, fmt.Errorf("write target: %w", err)
	}
	if hook != nil {
		if err := hook.Run(ctx, sdk.HookProvision, ui, none.Communicator{}, nil); err != nil {
			return nil, err
		}
	}
	return &Artifact{Path: c.Target}, nil
}

func copyFile(ctx context.Context, ui sdk.Ui, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("create target: %w", err)
	}
	ui.Say(fmt.Sprintf("Copying %s to %s", in.Name(), out.Name()))
	r := ui.TrackProgress(filepath.Base(src), 0, fi.Size(), in)
	n, err := io.Copy(out, transfer.ContextReader(ctx, r))
	r.Close()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	ui.Say(fmt.Sprintf("Copied %d bytes", n))
	return nil
}

// Artifact is the file written.
type Artifact struct {
	Path string
}

var _ sdk.Artifact = (*Artifact)(nil)

// BuilderId implements sdk.Artifact.
func (*Artifact) BuilderId() string { return BuilderID } //nolint:revive // the interface's name

// Files implements sdk.Artifact.
func (a *Artifact) Files() []string { return []string{a.Path} }

// Id implements sdk.Artifact.
func (*Artifact) Id() string { return "File" } //nolint:revive // the interface's name

// String implements sdk.Artifact.
func (a *Artifact) String() string { return "Stored file: " + a.Path }

// State implements sdk.Artifact.
func (a *Artifact) State(name string) any {
	if name == sdk.StateImageMetadata {
		return []sdk.ImageMetadata{{ImageID: filepath.Base(a.Path), ProviderName: "file", ProviderRegion: filepath.Dir(a.Path)}}
	}
	return nil
}

// Destroy implements sdk.Artifact: it removes the file.
func (a *Artifact) Destroy() error { return os.Remove(a.Path) }
