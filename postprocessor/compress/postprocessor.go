// Package compress is the compress post-processor: it packs an artifact's
// files into an archive (tar or zip) and/or compresses them (gzip, bgzf,
// lz4, xz, zstd), the format chosen from the output file's extensions.
package compress

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/communicator/transfer"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/postprocessor/internal/generated"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// BuilderID is the BuilderId of compress artifacts.
const BuilderID = "packer.post-processor.compress"

// DefaultLevel asks each compressor for its default level.
const DefaultLevel = -1

// pgzipBlockSize is the size of the blocks pgzip compresses in parallel:
// Packer's, which the output bytes depend on.
const pgzipBlockSize = 500_000

// DefaultOutput is the output template when output is not set. It has no
// extension, so the result is a tar+gzip file without a suffix (Packer's).
const DefaultOutput = "packer_{{.BuildName}}_{{.BuilderType}}"

// Algorithms, as the output's last extension selects them.
const (
	AlgPgzip = "pgzip"
	AlgBGZF  = "bgzf"
	AlgLZ4   = "lz4"
	AlgXZ    = "xz"
	AlgBzip2 = "bzip2"
	AlgZstd  = "zstd"
)

var extensions = map[string]string{
	"gz":    AlgPgzip,
	"lz4":   AlgLZ4,
	"bgzf":  AlgBGZF,
	"xz":    AlgXZ,
	"bzip2": AlgBzip2,
	// kiln additions.
	"zst":  AlgZstd,
	"zstd": AlgZstd,
}

// Config is the compress post-processor's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// OutputPath is the output file template: {{.BuildName}},
	// {{.BuilderType}} and the generated data are available.
	OutputPath string `mapstructure:"output"`
	// Format, when set, is used as if it were the output's extension
	// ("tar.gz", "zip", …).
	Format string `mapstructure:"format"`
	// CompressionLevel is 1 (fastest) to 9 (best); 0 and -1 mean each
	// library's default; above 9 means 9.
	CompressionLevel int `mapstructure:"compression_level"`
}

// PostProcessor is the compress post-processor.
type PostProcessor struct {
	config Config
	ictx   *interpolate.Context
	// Archive is "tar", "zip" or "" and Algorithm one of the Alg*
	// constants or "" (none), as detected from the output name.
	Archive   string
	Algorithm string
	// stdout receives the rendered output name (Packer prints it there).
	stdout io.Writer
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
	// As Packer: above 9 is 9, and 0 is the library's default (-1), which
	// is deflate level 5 for gzip (klauspost's), 6 for zip and bgzf (the
	// standard library's).
	if c.CompressionLevel > 9 {
		c.CompressionLevel = 9
	}
	if c.CompressionLevel == 0 {
		c.CompressionLevel = DefaultLevel
	}
	if c.OutputPath == "" {
		c.OutputPath = DefaultOutput
	}
	name := c.OutputPath
	if c.Format != "" {
		name += "." + c.Format
	}
	p.Archive, p.Algorithm = Detect(name)
	if p.Algorithm == AlgBzip2 {
		return &config.FieldError{Path: "output", Err: errors.New("bzip2 compression is not supported by kiln: use gz, xz or zst")}
	}
	if c.CompressionLevel < -1 {
		return &config.FieldError{Path: "compression_level", Err: fmt.Errorf("invalid compression level %d", c.CompressionLevel)}
	}
	p.config = c
	p.ictx = ictx
	if p.stdout == nil {
		p.stdout = os.Stdout
	}
	return nil
}

var extPattern = regexp.MustCompile(`\.([a-z0-9]+)`)

// Detect chooses the archive and algorithm from a file name, as Packer
// does: from its last two lowercase extensions, defaulting to tar + gzip.
func Detect(name string) (archive, algorithm string) {
	m := extPattern.FindAllStringSubmatch(name, -1)
	if len(m) == 0 {
		return "tar", AlgPgzip
	}
	last := m[len(m)-1][1]
	if len(m) > 1 && m[len(m)-2][1] == "tar" {
		archive = "tar"
	}
	if last == "zip" || last == "tar" {
		return last, ""
	}
	if alg, ok := extensions[last]; ok {
		return archive, alg
	}
	return "tar", AlgPgzip
}

// PostProcess implements sdk.PostProcessor. The input is not kept unless
// the user asks.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, in sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	data := generated.Data(in)
	data["BuildName"] = p.config.PackerBuildName
	data["BuilderType"] = p.config.PackerBuilderType
	ictx := *p.ictx
	ictx.Data = data
	target, err := interpolate.Render(p.config.OutputPath, &ictx)
	if err != nil {
		return nil, false, false, fmt.Errorf("render output: %w", err)
	}
	fmt.Fprintln(p.stdout, target)

	files := in.Files()
	if p.Archive == "" && len(files) != 1 {
		return nil, false, false, fmt.Errorf("can only have 1 input file when not using tar/zip. Found %d files: %v", len(files), files)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return nil, false, false, fmt.Errorf("create directory for archive %s: %w", target, err)
	}
	if err := p.write(ctx, ui, target, files); err != nil {
		os.Remove(target)
		return nil, false, false, err
	}
	ui.Say(fmt.Sprintf("Archive %s completed", target))
	return &Artifact{Path: target}, false, false, nil
}

func (p *PostProcessor) write(ctx context.Context, ui sdk.Ui, target string, files []string) (err error) {
	f, err := os.Create(target)
	if err != nil {
		return fmt.Errorf("create archive %s: %w", target, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write archive %s: %w", target, cerr)
		}
	}()
	cores := runtime.GOMAXPROCS(-1)
	switch p.Algorithm {
	case AlgPgzip:
		ui.Say(fmt.Sprintf("Using pgzip compression with %d cores for %s", cores, target))
	case AlgLZ4:
		ui.Say(fmt.Sprintf("Using lz4 compression with %d cores for %s", cores, target))
	case AlgBGZF:
		ui.Say(fmt.Sprintf("Using bgzf compression with %d cores for %s", cores, target))
	case AlgXZ:
		ui.Say(fmt.Sprintf("Using xz compression with 1 core for %s (library does not support MT)", target))
	case AlgZstd:
		ui.Say(fmt.Sprintf("Using zstd compression with %d cores for %s", cores, target))
	}
	out, err := NewWriter(f, p.Algorithm, p.config.CompressionLevel)
	if err != nil {
		return fmt.Errorf("create %s writer: %w", p.Algorithm, err)
	}
	compression := p.Algorithm
	if compression == "" {
		compression = "no compression"
	}
	switch p.Archive {
	case "tar":
		ui.Say(fmt.Sprintf("Tarring %s with %s", target, compression))
		err = writeTar(ctx, ui, out, files)
	case "zip":
		ui.Say(fmt.Sprintf("Zipping %s", target))
		err = writeZip(ctx, ui, out, files, p.config.CompressionLevel)
	default:
		ui.Say(fmt.Sprintf("Archiving %s with %s", files[0], compression))
		err = copyFile(ctx, ui, out, files[0])
	}
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("finish %s: %w", compression, cerr)
	}
	return err
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// NewWriter returns a writer compressing into w with algorithm (""
// compresses nothing) at level, 1–9 or DefaultLevel. The writers are set
// up as Packer's, so that gzip and bgzf output is the same.
func NewWriter(w io.Writer, algorithm string, level int) (io.WriteCloser, error) {
	switch algorithm {
	case "":
		return nopCloser{w}, nil
	case AlgPgzip:
		gw, err := pgzip.NewWriterLevel(w, level)
		if err != nil {
			return nil, err
		}
		// Two blocks per core keep every core busy while finished blocks
		// are written out; the block count does not change the output.
		if err := gw.SetConcurrency(pgzipBlockSize, 2*runtime.GOMAXPROCS(-1)); err != nil {
			return nil, err
		}
		return gw, nil
	case AlgBGZF:
		return newBGZFWriter(w, level)
	case AlgLZ4:
		lw := lz4.NewWriter(w)
		opts := []lz4.Option{lz4.ConcurrencyOption(-1)}
		if level >= 1 {
			opts = append(opts, lz4.CompressionLevelOption(lz4.CompressionLevel(1<<(8+level))))
		}
		if err := lw.Apply(opts...); err != nil {
			return nil, err
		}
		return lw, nil
	case AlgXZ:
		return xz.NewWriter(w)
	case AlgZstd:
		zl := zstd.SpeedDefault
		if level >= 1 {
			zl = zstd.EncoderLevelFromZstd(level)
		}
		return zstd.NewWriter(w, zstd.WithEncoderLevel(zl))
	}
	return nil, fmt.Errorf("unknown compression algorithm %q", algorithm)
}

// open returns the file at path, wrapped for progress and cancellation.
func open(ctx context.Context, ui sdk.Ui, path string) (io.Reader, io.Closer, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, nil, err
	}
	r := ui.TrackProgress(filepath.Base(path), 0, fi.Size(), f)
	return transfer.ContextReader(ctx, r), r, fi, nil
}

// writeTar stores each file under its base name, as Packer.
func writeTar(ctx context.Context, ui sdk.Ui, w io.Writer, files []string) error {
	tw := tar.NewWriter(w)
	for _, path := range files {
		r, c, fi, err := open(ctx, ui, path)
		if err != nil {
			return fmt.Errorf("tar %s: %w", path, err)
		}
		hdr, err := tar.FileInfoHeader(fi, path)
		if err == nil {
			// As Packer: GNU format (Google Compute Engine imports need
			// it) and no times, so that the archive depends only on the
			// files' names, contents, modes and owners.
			hdr.Format = tar.FormatGNU
			hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}, time.Time{}
			err = tw.WriteHeader(hdr)
		}
		if err == nil {
			_, err = io.Copy(tw, r)
		}
		c.Close()
		if err != nil {
			return fmt.Errorf("tar %s: %w", path, err)
		}
	}
	return tw.Close()
}

// writeZip stores each file under its path as given, as Packer.
func writeZip(ctx context.Context, ui sdk.Ui, w io.Writer, files []string, level int) error {
	zw := zip.NewWriter(w)
	if level != DefaultLevel {
		// Packer always uses archive/zip's deflate (level 5); kiln
		// honours compression_level, with the same deflate.
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, level)
		})
	}
	for _, path := range files {
		r, c, _, err := open(ctx, ui, path)
		if err != nil {
			return fmt.Errorf("zip %s: %w", path, err)
		}
		dst, err := zw.Create(filepath.ToSlash(path))
		if err == nil {
			_, err = io.Copy(dst, r)
		}
		c.Close()
		if err != nil {
			return fmt.Errorf("zip %s: %w", path, err)
		}
	}
	return zw.Close()
}

func copyFile(ctx context.Context, ui sdk.Ui, w io.Writer, path string) error {
	r, c, _, err := open(ctx, ui, path)
	if err != nil {
		return fmt.Errorf("compress %s: %w", path, err)
	}
	defer c.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("compress %s: %w", path, err)
	}
	return nil
}

// Artifact is the archive written.
type Artifact struct {
	Path string
}

var _ sdk.Artifact = (*Artifact)(nil)

// BuilderId implements sdk.Artifact.
func (*Artifact) BuilderId() string { return BuilderID } //nolint:revive // the interface's name

// Files implements sdk.Artifact.
func (a *Artifact) Files() []string { return []string{a.Path} }

// Id implements sdk.Artifact; compress artifacts have none.
func (*Artifact) Id() string { return "" } //nolint:revive // the interface's name

// String implements sdk.Artifact.
func (a *Artifact) String() string { return "compressed artifacts in: " + a.Path }

// State implements sdk.Artifact.
func (*Artifact) State(string) any { return nil }

// Destroy implements sdk.Artifact: it removes the archive.
func (a *Artifact) Destroy() error { return os.Remove(a.Path) }
