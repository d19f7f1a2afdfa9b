// Package artifice is the artifice post-processor: it replaces an
// artifact's files with files the template names (globs allowed), so that
// later post-processors work on files a provisioner produced.
package artifice

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// BuilderID is the BuilderId of artifice artifacts.
const BuilderID = "packer.post-processor.artifice"

// Config is the artifice post-processor's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// Files are the new artifact's files; each is a glob, and a pattern
	// matching nothing is skipped.
	Files []string `mapstructure:"files"`
}

// PostProcessor is the artifice post-processor.
type PostProcessor struct {
	config Config
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// ConfigSpec implements sdk.PostProcessor.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Configure implements sdk.PostProcessor.
func (p *PostProcessor) Configure(raws ...any) error {
	var c Config
	if _, err := compconfig.Decode(&c, nil, raws...); err != nil {
		return err
	}
	if len(c.Files) == 0 {
		return &config.FieldError{Path: "files", Err: errors.New("no files specified in artifice configuration")}
	}
	p.config = c
	return nil
}

// PostProcess implements sdk.PostProcessor.
func (p *PostProcessor) PostProcess(_ context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	if files := in.Files(); len(files) > 0 {
		ui.Say(fmt.Sprintf("Discarding files from artifact: %s", strings.Join(files, ", ")))
	}
	a, err := NewArtifact(p.config.Files)
	if err != nil {
		return nil, false, false, err
	}
	ui.Say(fmt.Sprintf("Using these artifact files: %s", strings.Join(a.Files(), ", ")))
	return a, true, false, nil
}

// NewArtifact expands the globs in files into an artifact.
func NewArtifact(files []string) (*Artifact, error) {
	a := &Artifact{}
	for _, f := range files {
		matches, err := filepath.Glob(f)
		if err != nil {
			return nil, fmt.Errorf("glob %q: %w", f, err)
		}
		for _, m := range matches {
			if _, err := os.Stat(m); err != nil {
				return nil, err
			}
			a.files = append(a.files, m)
		}
	}
	return a, nil
}

// Artifact is a set of files.
type Artifact struct {
	files []string
}

var _ sdk.Artifact = (*Artifact)(nil)

// BuilderId implements sdk.Artifact.
func (*Artifact) BuilderId() string { return BuilderID } //nolint:revive // the interface's name

// Files implements sdk.Artifact.
func (a *Artifact) Files() []string { return a.files }

// Id implements sdk.Artifact; artifice artifacts have none.
func (*Artifact) Id() string { return "" } //nolint:revive // the interface's name

// String implements sdk.Artifact.
func (a *Artifact) String() string {
	return "Created artifact from files: " + strings.Join(a.files, ", ")
}

// State implements sdk.Artifact: artifice keeps no generated data.
func (*Artifact) State(string) any { return nil }

// Destroy implements sdk.Artifact: it removes the files.
func (a *Artifact) Destroy() error {
	var errs []error
	for _, f := range a.files {
		if err := os.RemoveAll(f); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
