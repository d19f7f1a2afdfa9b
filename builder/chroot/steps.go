package chroot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// result is what the export steps produced.
type result struct {
	path    string // the output (file or directory)
	imageID string
}

var (
	// keyWorkspace is the build's private directory next to the output.
	keyWorkspace = multistep.NewKey[string]("chroot_workspace")
	// keyResult is the output.
	keyResult = multistep.NewKey[result]("chroot_result")
	// keyImageConfig is the configuration of a Docker source image,
	// carried over to an oci output.
	keyImageConfig = multistep.NewKey[imageConfig]("chroot_image_config")
)

func uiOf(state *multistep.State) sdk.Ui { return multistep.MustGet(state, commonsteps.KeyUi) }

// run runs a host command, returning its stderr in the error.
func run(ctx context.Context, name string, args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// stepWorkspace checks the output can be written and makes the build's
// workspace: a private directory next to the output, so that results are
// moved into place with a rename. Its cleanup removes the workspace —
// after making sure nothing is mounted, attached or running there.
type stepWorkspace struct {
	config *Config
	dir    string
}

func (s *stepWorkspace) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	out, err := filepath.Abs(s.config.OutputPath)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	s.config.OutputPath = out
	if _, err := os.Lstat(out); err == nil {
		if !s.config.PackerForce {
			return multistep.HaltWith(state, fmt.Errorf("output %s already exists: remove it or build with -force", out))
		}
		ui.Say(fmt.Sprintf("Deleting the previous output %s (-force)", out))
		if err := chroot.RemoveAll(out); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return multistep.HaltWith(state, err)
	}
	dir, err := os.MkdirTemp(filepath.Dir(out), ".kiln-chroot-")
	if err != nil {
		return multistep.HaltWith(state, fmt.Errorf("create workspace: %w", err))
	}
	s.dir = dir
	multistep.Put(state, keyWorkspace, dir)
	return multistep.Continue
}

func (s *stepWorkspace) Cleanup(state *multistep.State) {
	if s.dir == "" {
		return
	}
	ui := uiOf(state)
	if err := releaseAll(state, s.dir); err != nil {
		ui.Error(fmt.Sprintf("Not deleting the workspace %s: %v", s.dir, err))
		return
	}
	if err := chroot.RemoveAll(s.dir); err != nil {
		ui.Error(fmt.Sprintf("Deleting the workspace: %v", err))
	}
}

// releaseAll makes sure that nothing runs in, is mounted at or below, or
// is attached from a directory the build created; the steps' cleanups
// normally left nothing.
func releaseAll(state *multistep.State, dir string) error {
	ui := uiOf(state)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n, err := chroot.KillProcesses(ctx, dir); err != nil {
		return err
	} else if n > 0 {
		ui.Say(fmt.Sprintf("Killed %d processes left in %s", n, dir))
	}
	lazy, err := chroot.UnmountAll(dir)
	for _, l := range lazy {
		ui.Error(fmt.Sprintf("%s was busy and was detached lazily", l))
	}
	if err != nil {
		return err
	}
	devs, err := chroot.LoopDevicesOf(dir, true)
	if err != nil {
		return err
	}
	for _, d := range devs {
		backing, _ := chroot.LoopBackingFile(d)
		if err := chroot.DetachLoop(ctx, d, backing); err != nil {
			return err
		}
	}
	return nil
}

// stepDisk puts the disk image the chroot lives on in the workspace: a
// new sparse file for from_scratch, a copy of a raw source otherwise.
type stepDisk struct {
	config *Config
}

func (s *stepDisk) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	disk := filepath.Join(multistep.MustGet(state, keyWorkspace), "disk.raw")
	if s.config.FromScratch {
		ui.Say(fmt.Sprintf("Creating a new %d MiB disk", s.config.volumeBytes>>20))
		if err := makeSparse(disk, s.config.volumeBytes); err != nil {
			return multistep.HaltWith(state, err)
		}
	} else {
		ui.Say(fmt.Sprintf("Copying the disk image %s", s.config.Source))
		if err := run(ctx, "cp", "--sparse=always", s.config.Source, disk); err != nil {
			return multistep.HaltWith(state, err)
		}
		if fi, err := os.Stat(disk); err == nil && s.config.volumeBytes > fi.Size() {
			if err := os.Truncate(disk, s.config.volumeBytes); err != nil {
				return multistep.HaltWith(state, err)
			}
		}
		id, err := fileDigest(ctx, s.config.Source)
		if err != nil {
			return multistep.HaltWith(state, err)
		}
		commonsteps.PutGenerated(state, GenSourceImageID, id)
	}
	multistep.Put(state, chroot.KeyDiskFile, disk)
	return multistep.Continue
}

func (s *stepDisk) Cleanup(*multistep.State) {}

func makeSparse(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fileDigest returns "sha256:<hex>" of a file's content.
func fileDigest(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return "", fmt.Errorf("digest %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// stepMountPath makes the directory the image's root goes to: mount_path
// (rendered with {{.Device}}), which must not exist or be empty, or a
// directory in the workspace. Its cleanup empties it (refusing while
// anything is mounted below it) and removes it if the build made it.
type stepMountPath struct {
	config  *Config
	path    string
	created bool
}

func (s *stepMountPath) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	path := s.config.MountPath
	if path == "" {
		path = filepath.Join(multistep.MustGet(state, keyWorkspace), "root")
	} else {
		dev, _ := multistep.Get(state, chroot.KeyDevice)
		ictx := s.config.ictx
		name := ""
		if dev != "" {
			name = filepath.Base(dev)
		}
		ictx.Data = chroot.CommandData{Device: name}
		rendered, err := interpolate.Render(path, &ictx)
		if err != nil {
			return multistep.HaltWith(state, fmt.Errorf("mount_path: %w", err))
		}
		if path, err = filepath.Abs(rendered); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return multistep.HaltWith(state, err)
		}
		if err := os.Mkdir(path, 0o755); err != nil {
			return multistep.HaltWith(state, fmt.Errorf("create mount path: %w", err))
		}
		s.created = true
	case err != nil:
		return multistep.HaltWith(state, err)
	case !fi.IsDir():
		return multistep.HaltWith(state, fmt.Errorf("mount path %s is not a directory", path))
	default:
		entries, err := os.ReadDir(path)
		if err != nil {
			return multistep.HaltWith(state, err)
		}
		if len(entries) > 0 {
			return multistep.HaltWith(state, fmt.Errorf("mount path %s is not empty: refusing to build there", path))
		}
		if mounted, err := chroot.IsMountPoint(path); err != nil || mounted {
			return multistep.HaltWith(state, fmt.Errorf("mount path %s is a mount point: refusing to build there", path))
		}
	}
	if err := os.Chmod(path, 0o755); err != nil {
		return multistep.HaltWith(state, err)
	}
	s.path = path
	ui.Message(fmt.Sprintf("The image's root is at %s", path))
	multistep.Put(state, chroot.KeyMountPath, path)
	commonsteps.PutGenerated(state, GenMountPath, path)
	dev, _ := multistep.Get(state, chroot.KeyDevice)
	commonsteps.PutGenerated(state, GenDevice, dev)
	return multistep.Continue
}

func (s *stepMountPath) Cleanup(state *multistep.State) {
	if s.path == "" {
		return
	}
	ui := uiOf(state)
	if err := releaseAll(state, s.path); err != nil {
		ui.Error(fmt.Sprintf("Not deleting %s: %v", s.path, err))
		return
	}
	if err := chroot.RemoveContents(s.path); err != nil {
		ui.Error(fmt.Sprintf("Emptying %s: %v", s.path, err))
		return
	}
	if s.created {
		if err := os.Remove(s.path); err != nil {
			ui.Error(err.Error())
		}
	}
}

// stepPopulate puts the source's files in the root: a copy of a
// directory, an extracted tarball or an exported Docker image. A raw
// source is already there.
type stepPopulate struct {
	config *Config
	docker imageExporter
}

func (s *stepPopulate) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	c := s.config
	root := multistep.MustGet(state, chroot.KeyMountPath)
	commonsteps.PutGenerated(state, sdk.GenSourceImageName, c.Source)
	if gen, _ := multistep.Get(state, commonsteps.KeyGeneratedData); gen[GenSourceImageID] == nil {
		commonsteps.PutGenerated(state, GenSourceImageID, "")
	}
	if c.Source == "" || c.sourceType == SourceRaw {
		return multistep.Continue
	}
	var err error
	switch c.sourceType {
	case SourceDirectory:
		ui.Say(fmt.Sprintf("Copying %s", c.Source))
		err = run(ctx, "cp", "-a", "--one-file-system", filepath.Clean(c.Source)+"/.", root+"/")
	case SourceTarball:
		ui.Say(fmt.Sprintf("Extracting %s", c.Source))
		var id string
		if id, err = fileDigest(ctx, c.Source); err == nil {
			commonsteps.PutGenerated(state, GenSourceImageID, id)
			err = run(ctx, "tar", append(extractFlags(root), "-f", c.Source)...)
		}
	case SourceDocker:
		ui.Say(fmt.Sprintf("Exporting the Docker image %s", c.Source))
		err = s.exportDocker(ctx, state, root)
	}
	if err != nil {
		return multistep.HaltWith(state, fmt.Errorf("populate the root from %s: %w", c.Source, err))
	}
	return multistep.Continue
}

func (s *stepPopulate) Cleanup(*multistep.State) {}

// extractFlags are GNU tar's flags to extract an image's files into root
// exactly: owners by number, permissions, extended attributes.
func extractFlags(root string) []string {
	return []string{"-x", "-C", root, "--numeric-owner", "--same-permissions", "--same-owner",
		"--xattrs", "--xattrs-include=*"}
}

// exportDocker streams a Docker image's filesystem into root.
func (s *stepPopulate) exportDocker(ctx context.Context, state *multistep.State, root string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "tar", extractFlags(root)...)
	cmd.Stdin, cmd.Stderr = pr, &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	info, exportErr := s.docker.Export(ctx, s.config.Source, pw)
	pw.CloseWithError(exportErr)
	tarErr := cmd.Wait()
	if exportErr != nil {
		return exportErr
	}
	if tarErr != nil {
		return fmt.Errorf("tar: %w: %s", tarErr, strings.TrimSpace(stderr.String()))
	}
	// Docker adds this marker to every container.
	_ = os.Remove(filepath.Join(root, ".dockerenv"))
	commonsteps.PutGenerated(state, GenSourceImageID, info.ID)
	multistep.Put(state, keyImageConfig, info.Config)
	return nil
}

// tarFlags are GNU tar's flags to archive the root: owners by number,
// extended attributes, names sorted, never crossing into another
// filesystem.
func tarFlags(root string) []string {
	return []string{"-C", root, "--numeric-owner", "--xattrs", "--xattrs-include=*",
		"--one-file-system", "--sort=name"}
}

// stepExportTree writes the directory, tar and oci outputs from the root,
// once the chroot's own mounts and copied files are gone.
type stepExportTree struct {
	config *Config
}

func (s *stepExportTree) Run(ctx context.Context, state *multistep.State) multistep.Action {
	ui := uiOf(state)
	c := s.config
	root := multistep.MustGet(state, chroot.KeyMountPath)
	ws := multistep.MustGet(state, keyWorkspace)
	// What commands mounted below the root (post_mount_commands, say) is
	// not part of the image.
	ms, err := chroot.MountsUnder(root)
	if err != nil {
		return multistep.HaltWith(state, err)
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].MountPoint == root {
			continue
		}
		ui.Message(fmt.Sprintf("Unmounting %s before the export", ms[i].MountPoint))
		if _, err := chroot.UnmountAll(ms[i].MountPoint); err != nil {
			return multistep.HaltWith(state, fmt.Errorf("export: %w", err))
		}
	}
	var res result
	switch c.OutputFormat {
	case FormatDirectory:
		ui.Say(fmt.Sprintf("Writing the root filesystem to %s", c.OutputPath))
		if err := exportDirectory(ctx, state, root, c.OutputPath); err != nil {
			return multistep.HaltWith(state, err)
		}
		res = result{path: c.OutputPath, imageID: c.OutputPath}
	case FormatTar:
		ui.Say(fmt.Sprintf("Writing the root filesystem to %s", c.OutputPath))
		// The temporary name keeps the suffix that picks compression.
		tmp := filepath.Join(ws, "out-"+filepath.Base(c.OutputPath))
		args := append([]string{"--auto-compress", "-c", "-f", tmp}, tarFlags(root)...)
		if err := run(ctx, "tar", append(args, ".")...); err != nil {
			return multistep.HaltWith(state, err)
		}
		id, err := fileDigest(ctx, tmp)
		if err != nil {
			return multistep.HaltWith(state, err)
		}
		if err := os.Rename(tmp, c.OutputPath); err != nil {
			return multistep.HaltWith(state, err)
		}
		res = result{path: c.OutputPath, imageID: id}
	case FormatOCI:
		ui.Say(fmt.Sprintf("Writing the image archive %s (%s)", c.OutputPath, c.ImageName))
		cfg, _ := multistep.Get(state, keyImageConfig)
		id, err := writeImageArchive(ctx, root, ws, c.OutputPath, c.ImageName, cfg, c.ImageChanges)
		if err != nil {
			return multistep.HaltWith(state, err)
		}
		res = result{path: c.OutputPath, imageID: id}
	default:
		return multistep.Continue
	}
	multistep.Put(state, keyResult, res)
	return multistep.Continue
}

func (s *stepExportTree) Cleanup(*multistep.State) {}

// exportDirectory moves (when the root is the workspace's own directory)
// or copies the root to out.
func exportDirectory(ctx context.Context, state *multistep.State, root, out string) error {
	ws := multistep.MustGet(state, keyWorkspace)
	mounted, err := chroot.IsMountPoint(root)
	if err != nil {
		return err
	}
	if !mounted && filepath.Dir(root) == ws {
		if err := os.Rename(root, out); err != nil {
			return err
		}
		// The root's step expects its directory back, empty.
		return os.Mkdir(root, 0o755)
	}
	tmp := filepath.Join(ws, "out-dir")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	if err := run(ctx, "cp", "-a", "--one-file-system", root+"/.", tmp+"/"); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// stepExportDisk writes the raw and qcow2 outputs, once the disk is
// unmounted and detached. A chroot in a directory is first turned into
// an ext4 filesystem image.
type stepExportDisk struct {
	config *Config
}

func (s *stepExportDisk) Run(ctx context.Context, state *multistep.State) multistep.Action {
	c := s.config
	if c.OutputFormat != FormatRaw && c.OutputFormat != FormatQcow2 {
		return multistep.Continue
	}
	ui := uiOf(state)
	ws := multistep.MustGet(state, keyWorkspace)
	disk, ok := multistep.Get(state, chroot.KeyDiskFile)
	if !ok {
		root := multistep.MustGet(state, chroot.KeyMountPath)
		disk = filepath.Join(ws, "disk.raw")
		size := c.volumeBytes
		if size == 0 {
			used, err := treeSize(root)
			if err != nil {
				return multistep.HaltWith(state, err)
			}
			// Room for the filesystem's own metadata and some slack.
			size = (used*5/4 + 64<<20 + 1<<20 - 1) &^ (1<<20 - 1)
		}
		ui.Say(fmt.Sprintf("Making a %d MiB ext4 filesystem image of the root", size>>20))
		if err := makeSparse(disk, size); err != nil {
			return multistep.HaltWith(state, err)
		}
		if err := run(ctx, "mkfs.ext4", "-q", "-F", "-d", root, "-L", "root", disk); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	switch c.OutputFormat {
	case FormatRaw:
		ui.Say(fmt.Sprintf("Writing the disk image %s", c.OutputPath))
		if err := os.Rename(disk, c.OutputPath); err != nil {
			return multistep.HaltWith(state, err)
		}
	case FormatQcow2:
		ui.Say(fmt.Sprintf("Converting the disk image to %s", c.OutputPath))
		tmp := filepath.Join(ws, "out.qcow2")
		if err := run(ctx, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", disk, tmp); err != nil {
			return multistep.HaltWith(state, err)
		}
		if err := os.Rename(tmp, c.OutputPath); err != nil {
			return multistep.HaltWith(state, err)
		}
	}
	multistep.Put(state, keyResult, result{path: c.OutputPath, imageID: c.OutputPath})
	return multistep.Continue
}

func (s *stepExportDisk) Cleanup(*multistep.State) {}

// treeSize adds up the disk space the files below root use.
func treeSize(root string) (int64, error) {
	var total int64
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		total += fi.Size() + 4096
		return nil
	})
	return total, err
}
