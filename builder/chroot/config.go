package chroot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Source types (source_type).
const (
	SourceAuto      = "auto"
	SourceDirectory = "directory"
	SourceTarball   = "tarball"
	SourceRaw       = "raw"
	SourceDocker    = "docker"
)

// Output formats (output_format).
const (
	FormatDirectory = "directory"
	FormatTar       = "tar"
	FormatRaw       = "raw"
	FormatQcow2     = "qcow2"
	FormatOCI       = "oci"
)

// dockerPrefix marks a source that is a Docker image.
const dockerPrefix = "docker://"

// Config is the configuration of the chroot builder.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	// Source is what the image starts from: a directory, a root
	// filesystem tarball (.tar, .tar.gz, .tar.zst, .tar.xz), a raw disk
	// image, or a Docker image ("docker://name:tag", or a name with
	// source_type = "docker"). Optional with from_scratch.
	Source string `mapstructure:"source"`
	// SourceType is auto (the default: guessed from source), directory,
	// tarball, raw or docker.
	SourceType string `mapstructure:"source_type"`
	// FromScratch starts from a new, empty raw disk of root_volume_size
	// that pre_mount_commands partition and format. A source, if any, is
	// then extracted onto it.
	FromScratch bool `mapstructure:"from_scratch"`
	// RootVolumeSize is the size of a new disk (from_scratch, raw and
	// qcow2 outputs): a number of GiB as Packer's chroot builders take
	// it, or a size with a unit ("512M", "2G"). For a raw source a larger
	// size grows the disk file (not its partitions). Without it a disk
	// made from a directory is sized to fit its content.
	RootVolumeSize string `mapstructure:"root_volume_size"`
	// PreMountCommands run on the host before the disk is mounted
	// ({{.Device}}, {{.MountPath}}); required with from_scratch.
	PreMountCommands []string `mapstructure:"pre_mount_commands"`
	// MountPath is where the image's root is put on the host; it must not
	// exist or be an empty directory. Default: a directory in a
	// workspace next to output_path. {{.Device}} is available.
	MountPath string `mapstructure:"mount_path"`
	// MountPartition is the partition of the disk to mount: "1" (the
	// default for disks with a partition table), "0" for a filesystem
	// on the whole disk. Default: 1 when the disk has partitions, 0
	// otherwise.
	MountPartition string `mapstructure:"mount_partition"`
	// MountOptions are passed to mount -o.
	MountOptions []string `mapstructure:"mount_options"`
	// PostMountCommands run on the host after the root is in place,
	// before the chroot mounts ({{.Device}}, {{.MountPath}}).
	PostMountCommands []string `mapstructure:"post_mount_commands"`
	// ChrootMounts are [type, source, destination] mounted in the chroot;
	// default proc, sysfs, a bind of /dev, devpts and binfmt_misc.
	ChrootMounts [][]string `mapstructure:"chroot_mounts"`
	// CopyFiles are host files copied into the chroot while it is
	// provisioned and removed afterwards; default /etc/resolv.conf.
	CopyFiles []string `mapstructure:"copy_files"`
	// CommandWrapper wraps every command run on the host or in the
	// chroot; {{.Command}} is the command. Default "{{.Command}}".
	CommandWrapper string `mapstructure:"command_wrapper"`
	// OutputFormat is directory, tar (compressed by output_path's
	// suffix: .tar.gz, .tar.zst, …), raw, qcow2 or oci (an image archive
	// `docker load` accepts). Default directory.
	OutputFormat string `mapstructure:"output_format"`
	// OutputPath is where the result goes. Default output-<build name>
	// with the format's extension.
	OutputPath string `mapstructure:"output_path"`
	// ImageName is the name:tag an oci archive carries. Default
	// kiln/<build name>:latest.
	ImageName string `mapstructure:"image_name"`
	// ImageChanges are Dockerfile-style instructions applied to an oci
	// image's configuration: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL,
	// EXPOSE.
	ImageChanges []string `mapstructure:"image_changes"`

	// Resolved by prepare.
	sourceType  string
	volumeBytes int64
	partition   int // -1: decide from the disk
	ictx        interpolate.Context
}

// defaultBuildName names outputs of a build without a name.
const defaultBuildName = "chroot"

// prepare validates c and fills in defaults.
func (c *Config) prepare() (warnings []string, err error) {
	var errs []error
	fail := func(path string, format string, args ...any) {
		errs = append(errs, &config.FieldError{Path: path, Err: fmt.Errorf(format, args...)})
	}

	c.ictx = interpolate.Context{
		UserVariables: c.PackerUserVars,
		BuildName:     c.PackerBuildName,
		BuildType:     c.PackerBuilderType,
		TemplatePath:  c.PackerTemplatePath,
	}
	buildName := c.PackerBuildName
	if buildName == "" {
		buildName = defaultBuildName
	}

	if c.OutputFormat == "" {
		c.OutputFormat = FormatDirectory
	}
	ext := map[string]string{FormatDirectory: "", FormatTar: ".tar", FormatRaw: ".raw", FormatQcow2: ".qcow2", FormatOCI: ".oci.tar"}
	if e, ok := ext[c.OutputFormat]; !ok {
		fail("output_format", "unknown format %q: want directory, tar, raw, qcow2 or oci", c.OutputFormat)
	} else if c.OutputPath == "" {
		c.OutputPath = "output-" + buildName + e
	}
	if c.ImageName == "" {
		c.ImageName = "kiln/" + strings.ToLower(buildName) + ":latest"
	}
	if c.OutputFormat == FormatOCI {
		if _, err := name.NewTag(c.ImageName); err != nil {
			fail("image_name", "%w", err)
		}
	}
	if len(c.ImageChanges) > 0 && c.OutputFormat != FormatOCI {
		fail("image_changes", "only applies to output_format = \"oci\"")
	}
	if _, err := parseChanges(c.ImageChanges); err != nil {
		fail("image_changes", "%w", err)
	}

	c.sourceType = c.SourceType
	if c.sourceType == "" {
		c.sourceType = SourceAuto
	}
	switch c.sourceType {
	case SourceAuto:
		if strings.HasPrefix(c.Source, dockerPrefix) {
			c.sourceType = SourceDocker
		} else if c.Source != "" {
			t, err := detectSource(c.Source)
			if err != nil {
				fail("source", "%w", err)
			}
			c.sourceType = t
		}
	case SourceDirectory, SourceTarball, SourceRaw:
		if _, err := os.Stat(c.Source); err != nil {
			fail("source", "%w", err)
		}
	case SourceDocker:
	default:
		fail("source_type", "unknown source type %q: want auto, directory, tarball, raw or docker", c.SourceType)
	}
	if c.sourceType == SourceDocker {
		c.Source = strings.TrimPrefix(c.Source, dockerPrefix)
		if c.Source == "" {
			fail("source", "a docker source needs an image name")
		}
	}
	if c.Source == "" && !c.FromScratch {
		fail("source", "set source, or from_scratch to start from an empty disk")
	}
	if c.FromScratch {
		if len(c.PreMountCommands) == 0 {
			fail("pre_mount_commands", "from_scratch needs commands that partition and format the new disk ({{.Device}})")
		}
		if c.RootVolumeSize == "" {
			fail("root_volume_size", "from_scratch needs the size of the new disk")
		}
		if c.sourceType == SourceRaw {
			fail("source", "from_scratch cannot start from a raw disk image")
		}
	} else if len(c.PreMountCommands) > 0 && c.sourceType != SourceRaw {
		fail("pre_mount_commands", "only run before a disk is mounted: use from_scratch or a raw source")
	}
	if c.RootVolumeSize != "" {
		n, err := parseSize(c.RootVolumeSize)
		if err != nil {
			fail("root_volume_size", "%w", err)
		}
		c.volumeBytes = n
	}

	c.partition = -1
	if c.MountPartition != "" {
		n, err := strconv.Atoi(c.MountPartition)
		if err != nil || n < 0 {
			fail("mount_partition", "want a partition number (0 for the whole disk), got %q", c.MountPartition)
		}
		c.partition = n
	}
	if c.ChrootMounts == nil {
		c.ChrootMounts = chroot.DefaultChrootMounts
	}
	for i, m := range c.ChrootMounts {
		if len(m) < 3 || len(m) > 4 {
			fail(fmt.Sprintf("chroot_mounts.%d", i), "want [type, source, destination] and optional options, got %q", m)
		}
	}
	if c.CopyFiles == nil {
		c.CopyFiles = chroot.DefaultCopyFiles
	}
	if c.CommandWrapper == "" {
		c.CommandWrapper = "{{.Command}}"
	}
	if c.MountPath != "" && !filepath.IsAbs(c.MountPath) {
		abs, err := filepath.Abs(c.MountPath)
		if err == nil {
			c.MountPath = abs
		}
	}
	return warnings, errors.Join(errs...)
}

// diskBacked reports whether the chroot lives on a disk image attached to
// a loop device (from_scratch or a raw source) rather than in a directory.
func (c *Config) diskBacked() bool {
	return c.FromScratch || c.sourceType == SourceRaw
}

// detectSource guesses the type of a local source.
func detectSource(src string) (string, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return "", fmt.Errorf("%w (a Docker image is written docker://name:tag)", err)
	}
	if fi.IsDir() {
		return SourceDirectory, nil
	}
	lower := strings.ToLower(src)
	for _, s := range []string{".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.xz", ".txz", ".tar.bz2", ".tbz2"} {
		if strings.HasSuffix(lower, s) {
			return SourceTarball, nil
		}
	}
	for _, s := range []string{".img", ".raw"} {
		if strings.HasSuffix(lower, s) {
			return SourceRaw, nil
		}
	}
	f, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b, // gzip
		len(head) >= 4 && string(head[:4]) == "\x28\xb5\x2f\xfd", // zstd
		len(head) >= 6 && string(head[:6]) == "\xfd7zXZ\x00",     // xz
		len(head) >= 3 && string(head[:3]) == "BZh",              // bzip2
		len(head) >= 262 && string(head[257:262]) == "ustar":
		return SourceTarball, nil
	}
	return SourceRaw, nil
}

// parseSize reads a size: a bare number is GiB (as Packer's
// root_volume_size), else a number with a K, M, G or T suffix (powers of
// 1024, an optional trailing "B" or "iB").
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1 << 30)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if t[len(t)-1] >= 'A' && t[len(t)-1] <= 'Z' {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid size %q: want a number of GiB or a size such as 512M", s)
	}
	return int64(n * float64(mult)), nil
}
