// Package checksum is the checksum post-processor: it hashes each file of
// an artifact with the chosen algorithms and appends "sum<TAB>name" lines
// to checksum files.
package checksum

import (
	"context"
	"crypto/md5"  //nolint:gosec // a requested checksum type
	"crypto/sha1" //nolint:gosec // a requested checksum type
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/communicator/transfer"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/postprocessor/internal/generated"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// BuilderID is the BuilderId of checksum artifacts.
const BuilderID = "packer.post-processor.checksum"

// DefaultOutput is the checksum file template when output is not set.
const DefaultOutput = "packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum"

// Types are the checksum types, by name.
var Types = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha224": sha256.New224,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// Config is the checksum post-processor's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// ChecksumTypes are the algorithms (default ["md5"]).
	ChecksumTypes []string `mapstructure:"checksum_types"`
	// OutputPath is the checksum file template: {{.BuildName}},
	// {{.BuilderType}}, {{.ChecksumType}} and the generated data.
	OutputPath string `mapstructure:"output"`
}

// PostProcessor is the checksum post-processor.
type PostProcessor struct {
	config Config
	ictx   *interpolate.Context
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// ConfigSpec implements sdk.PostProcessor.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Configure implements sdk.PostProcessor.
func (p *PostProcessor) Configure(raws ...any) error {
	var c Config
	ictx, err := compconfig.Decode(&c, []string{"output"}, raws...)
	if err != nil {
		return err
	}
	if len(c.ChecksumTypes) == 0 {
		c.ChecksumTypes = []string{"md5"}
	}
	var errs compconfig.Errors
	for _, t := range c.ChecksumTypes {
		if _, ok := Types[t]; !ok {
			errs.Key("checksum_types", "unrecognized checksum type: %s", t)
		}
	}
	if c.OutputPath == "" {
		c.OutputPath = DefaultOutput
	}
	if err := errs.Err(); err != nil {
		return err
	}
	p.config = c
	p.ictx = ictx
	return nil
}

// PostProcess implements sdk.PostProcessor. The input is kept, whatever
// the user asked, since the checksums describe it.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	data := generated.Data(in)
	data["BuildName"] = p.config.PackerBuildName
	data["BuilderType"] = p.config.PackerBuilderType
	ictx := *p.ictx
	ictx.Data = data

	files := in.Files()
	out := &Artifact{files: slices.Clone(files)}
	for _, ct := range p.config.ChecksumTypes {
		h := Types[ct]()
		data["ChecksumType"] = ct
		for _, file := range files {
			target, err := interpolate.Render(p.config.OutputPath, &ictx)
			if err != nil {
				return nil, false, true, fmt.Errorf("render output: %w", err)
			}
			if _, err := os.Stat(target); err != nil {
				out.files = append(out.files, target)
			}
			h.Reset()
			if err := hashFile(ctx, ui, h, file); err != nil {
				return nil, false, true, fmt.Errorf("compute %s hash for %s: %w", ct, file, err)
			}
			if err := appendLine(target, fmt.Sprintf("%x\t%s\n", h.Sum(nil), filepath.Base(file))); err != nil {
				return nil, false, true, err
			}
		}
	}
	return out, true, true, nil
}

func hashFile(ctx context.Context, ui sdk.Ui, h hash.Hash, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	r := ui.TrackProgress(filepath.Base(path), 0, size, f)
	defer r.Close()
	_, err = io.Copy(h, transfer.ContextReader(ctx, r))
	return err
}

func appendLine(path, line string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	_, err = f.WriteString(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Artifact is the input's files plus the checksum files created.
type Artifact struct {
	files []string
}

var _ sdk.Artifact = (*Artifact)(nil)

// BuilderId implements sdk.Artifact.
func (*Artifact) BuilderId() string { return BuilderID } //nolint:revive // the interface's name

// Files implements sdk.Artifact.
func (a *Artifact) Files() []string { return a.files }

// Id implements sdk.Artifact; checksum artifacts have none.
func (*Artifact) Id() string { return "" } //nolint:revive // the interface's name

// String implements sdk.Artifact.
func (a *Artifact) String() string {
	return "Created artifact from files: " + strings.Join(a.files, ", ")
}

// State implements sdk.Artifact.
func (*Artifact) State(string) any { return nil }

// Destroy implements sdk.Artifact: it removes every file, the input's
// included (as Packer).
func (a *Artifact) Destroy() error {
	var errs []error
	for _, f := range a.files {
		if err := os.RemoveAll(f); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
