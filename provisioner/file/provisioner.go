// Package file is the file provisioner: it uploads local files and
// directories to the machine, or downloads remote ones, through the
// communicator, with Packer's trailing-slash rules.
package file

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Config is the file provisioner's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// Source is a local path to upload (or a remote one to download). It
	// is added after Sources.
	Source  string   `mapstructure:"source"`
	Sources []string `mapstructure:"sources"`
	// Content is uploaded as a file, instead of a source.
	Content string `mapstructure:"content"`
	// Destination is where the files go. For several sources, or to keep
	// a source's name, end it with "/".
	Destination string `mapstructure:"destination"`
	// Direction is "upload" (default) or "download".
	Direction string `mapstructure:"direction"`
	// Generated skips the check that upload sources exist at Prepare.
	Generated bool `mapstructure:"generated"`
}

// Provisioner is the file provisioner.
type Provisioner struct {
	config Config
	ictx   *interpolate.Context
}

var _ sdk.Provisioner = (*Provisioner)(nil)

// ConfigSpec implements sdk.Provisioner.
func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Provisioner.
func (p *Provisioner) Prepare(raws ...any) error {
	var c Config
	ictx, err := compconfig.Decode(&c, []string{"destination", "source", "sources"}, raws...)
	if err != nil {
		return err
	}
	if c.Direction == "" {
		c.Direction = "upload"
	}
	var errs compconfig.Errors
	if c.Direction != "download" && c.Direction != "upload" {
		errs.Key("direction", "direction must be one of: download, upload")
	}
	if c.Source != "" {
		c.Sources = append(c.Sources, c.Source)
	}
	if c.Direction == "upload" && !c.Generated {
		for _, src := range c.Sources {
			if strings.Contains(src, "{{") {
				continue // rendered at Provision
			}
			if _, err := os.Stat(src); err != nil {
				errs.Add(fmt.Errorf("bad source '%s': %w", src, err))
			}
		}
	}
	switch {
	case len(c.Sources) > 0 && c.Content != "":
		errs.Add(errors.New("source(s) conflicts with content"))
	case len(c.Sources) == 0 && c.Content == "":
		errs.Add(errors.New("source must be specified"))
	}
	if c.Destination == "" {
		errs.Key("destination", "destination must be specified")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	p.config = c
	p.ictx = ictx
	return nil
}

// Provision implements sdk.Provisioner.
func (p *Provisioner) Provision(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, generatedData map[string]any) error {
	if comm == nil {
		return errors.New("file provisioner: no communicator")
	}
	ictx := *p.ictx
	ictx.Data = maps.Clone(generatedData)
	render := func(s string) (string, error) { return interpolate.Render(s, &ictx) }
	dst, err := render(p.config.Destination)
	if err != nil {
		return fmt.Errorf("render destination: %w", err)
	}
	sources := make([]string, 0, len(p.config.Sources))
	for _, s := range p.config.Sources {
		r, err := render(s)
		if err != nil {
			return fmt.Errorf("render source: %w", err)
		}
		sources = append(sources, r)
	}
	if p.config.Direction == "download" {
		return download(ctx, ui, comm, sources, dst)
	}
	if p.config.Content != "" {
		f, err := os.CreateTemp("", "pkr-file-content*")
		if err != nil {
			return fmt.Errorf("write content: %w", err)
		}
		defer os.Remove(f.Name())
		_, err = f.WriteString(p.config.Content)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write content: %w", err)
		}
		sources = []string{f.Name()}
	}
	return upload(ctx, ui, comm, sources, dst)
}

func upload(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, sources []string, dst string) error {
	for _, src := range sources {
		ui.Say(fmt.Sprintf("Uploading %s => %s", src, dst))
		info, err := os.Stat(src)
		if err != nil {
			return fmt.Errorf("upload %s: %w", src, err)
		}
		if info.IsDir() {
			if err := comm.UploadDir(ctx, dst, src, nil); err != nil {
				ui.Error(fmt.Sprintf("Upload failed: %s", err))
				return err
			}
			continue
		}
		if err := uploadFile(ctx, ui, comm, src, dst); err != nil {
			return err
		}
	}
	return nil
}

// UploadTarget is where a file source goes: into dst when dst ends in
// "/", as dst otherwise.
func UploadTarget(src, dst string) string {
	if strings.HasSuffix(dst, "/") {
		return dst + filepath.Base(src)
	}
	return dst
}

func uploadFile(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, src, dst string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("upload %s: %w", src, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("upload %s: %w", src, err)
	}
	pf := ui.TrackProgress(filepath.Base(src), 0, fi.Size(), f)
	defer pf.Close()
	if err := comm.Upload(ctx, UploadTarget(src, dst), pf, fi); err != nil {
		if strings.Contains(err.Error(), "Error restoring file") {
			ui.Error(fmt.Sprintf("Upload failed: %s; this can occur when your file destination is a folder without a trailing slash.", err))
		}
		ui.Error(fmt.Sprintf("Upload failed: %s", err))
		return err
	}
	return nil
}

// DownloadTarget says where a download of src goes for the destination
// dst: the file path (or directory, for a directory download), the local
// directory to create first, and whether it is a directory download.
// (Packer keeps a glob's name under dst unless the glob ends in "*"; kiln
// treats every glob as a directory download into dst.)
func DownloadTarget(src, dst string) (target, mkdir string, dir bool) {
	dir = strings.HasSuffix(src, "/") || strings.ContainsAny(src, "*?[")
	target, mkdir = dst, dst
	if !strings.HasSuffix(dst, "/") {
		mkdir = filepath.Dir(dst)
	} else if !dir {
		target = filepath.Join(dst, filepath.Base(src))
	}
	return target, mkdir, dir
}

func download(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, sources []string, dst string) error {
	for _, src := range sources {
		ui.Say(fmt.Sprintf("Downloading %s => %s", src, dst))
		target, mkdir, dir := DownloadTarget(src, dst)
		if mkdir != "" {
			if err := os.MkdirAll(mkdir, 0o755); err != nil {
				return fmt.Errorf("download %s: %w", src, err)
			}
		}
		if dir {
			// As Packer: a directory download ends the provisioner.
			return comm.DownloadDir(ctx, src, target, nil)
		}
		if err := downloadFile(ctx, ui, comm, src, target); err != nil {
			return err
		}
	}
	return nil
}

func downloadFile(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, src, target string) error {
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("download %s: %w", src, err)
	}
	w, done := sdk.TrackWrites(ui, filepath.Base(src), 0, f)
	err = comm.Download(ctx, src, w)
	done()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		ui.Error(fmt.Sprintf("Download failed: %s", err))
		return err
	}
	return nil
}
