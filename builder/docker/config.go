package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/awsaccess"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Config is the docker builder's configuration: Packer's docker builder
// options, one field per key.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	// Communicator is "docker" (the default) or "none".
	Communicator string `mapstructure:"communicator"`

	// Image is the base image. Required unless Build is set.
	Image string `mapstructure:"image"`
	// Build builds the base image from a Dockerfile instead.
	Build *BuildConfig `mapstructure:"build"`
	// Pull pulls Image before running it. Default true, as Packer.
	Pull bool `mapstructure:"pull"`
	// Platform is the platform to pull and run ("linux/arm64").
	Platform string `mapstructure:"platform"`

	// Exactly one of Commit, Discard and ExportPath says what becomes of
	// the container.
	Commit     bool   `mapstructure:"commit"`
	Discard    bool   `mapstructure:"discard"`
	ExportPath string `mapstructure:"export_path"`

	// Changes are Dockerfile instructions applied on commit.
	Changes []string `mapstructure:"changes"`
	Author  string   `mapstructure:"author"`
	Message string   `mapstructure:"message"`

	// RunCommand are the arguments of `docker run`; {{.Image}} is the image.
	RunCommand []string `mapstructure:"run_command"`
	// ContainerDir is where the build's temporary directory is mounted.
	ContainerDir string `mapstructure:"container_dir"`
	// Volumes maps host paths to container paths.
	Volumes    map[string]string `mapstructure:"volumes"`
	Privileged bool              `mapstructure:"privileged"`
	Runtime    string            `mapstructure:"runtime"`
	CapAdd     []string          `mapstructure:"cap_add"`
	CapDrop    []string          `mapstructure:"cap_drop"`
	TmpFs      []string          `mapstructure:"tmpfs"`
	Device     []string          `mapstructure:"device"`

	// ExecUser runs provisioning commands as this user.
	ExecUser string `mapstructure:"exec_user"`
	// Pty allocates a terminal for provisioning commands.
	Pty bool `mapstructure:"pty"`
	// FixUploadOwner makes uploaded files belong to ExecUser (or the
	// container's user). Its default depends on the template language, as
	// in Packer: true for JSON templates, false for HCL2 ones.
	FixUploadOwner bool `mapstructure:"fix_upload_owner"`
	// WindowsContainer is not supported.
	WindowsContainer bool `mapstructure:"windows_container"`
	// DockerPath is accepted and ignored: kiln speaks the Engine API.
	DockerPath string `mapstructure:"docker_path"`

	Login         bool   `mapstructure:"login"`
	LoginUsername string `mapstructure:"login_username"`
	LoginPassword string `mapstructure:"login_password"`
	LoginServer   string `mapstructure:"login_server"`

	// EcrLogin logs in to the Amazon ECR registry login_server (with an
	// authorization token fetched with the aws_* keys) to pull the image;
	// login, login_username and login_password are then ignored.
	EcrLogin bool             `mapstructure:"ecr_login"`
	AWS      awsaccess.Config `mapstructure:",squash"`
}

// BuildConfig is the `build {}` block: a Dockerfile build of the base image.
type BuildConfig struct {
	// Path is the Dockerfile.
	Path string `mapstructure:"path" required:"true"`
	// BuildDir is the build context; default ".".
	BuildDir string `mapstructure:"build_dir"`
	// Arguments are build arguments (--build-arg).
	Arguments map[string]string `mapstructure:"arguments"`
	Platform  string            `mapstructure:"platform"`
	// Pull pulls newer base images (--pull); default true.
	Pull     *bool `mapstructure:"pull"`
	Compress bool  `mapstructure:"compress"`
}

// DefaultRunCommand is Packer's run_command for Linux containers.
var DefaultRunCommand = []string{"-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "{{.Image}}"}

// Generated data keys the docker builder adds (build.ImageSha256, …).
const (
	GenImageSha256       = "ImageSha256"
	GenSourceImageDigest = "SourceImageDigest"
	GenSourceImageSha256 = "SourceImageSha256"
)

// Packer's placeholders for generated data not (yet) known.
const (
	placeholderImageSha256       = "ERR_IMAGE_SHA256_NOT_FOUND"
	placeholderSourceImageDigest = "ERR_SOURCE_IMAGE_DIGEST_NOT_FOUND"
	placeholderSourceImageSha256 = "ERR_SOURCE_IMAGE_Sha256_NOT_FOUND"
)

var (
	errArtifactNotUsed     = errors.New("no instructions given for handling the artifact; expected commit, discard, or export_path")
	errArtifactUseConflict = errors.New("cannot specify more than one of commit, discard, and export_path")
	errExportPathNotFile   = errors.New("export_path must be a file, not a directory")
	errImageNotSpecified   = errors.New("missing 'image' attribute or 'build' section, either needs to be specified for a build to run")
)

// prepare decodes raws into c and validates them. It has no side effects.
func (c *Config) prepare(raws ...any) (warnings []string, err error) {
	var md mapstructure.Metadata
	if err := config.Decode(c, &config.DecodeOpts{Metadata: &md}, raws...); err != nil {
		return nil, err
	}
	set := func(key string) bool { return slices.Contains(md.Keys, key) }

	if len(c.RunCommand) == 0 {
		c.RunCommand = slices.Clone(DefaultRunCommand)
	}
	if c.Communicator == "" {
		c.Communicator = "docker"
	}
	if c.ContainerDir == "" {
		c.ContainerDir = "/packer-files"
	}
	if !set("fix_upload_owner") {
		// Packer's quirk, kept for compatibility: the documented default
		// (true) only holds for JSON templates; HCL2 templates get false.
		c.FixUploadOwner = !fromHCL(raws)
	}

	var errs []error
	if c.Build != nil {
		if c.Build.BuildDir == "" {
			c.Build.BuildDir = "."
		}
		if c.Image != "" {
			errs = append(errs, errors.New("`image` cannot be specified with a build config"))
		}
		if c.Pull && set("pull") {
			warnings = append(warnings, "when running a bootstrap build, the `pull` option is ignored and is replaced by `build.pull` (true by default)")
		}
		c.Pull = false
		if c.Platform != "" {
			errs = append(errs, errors.New("when running a bootstrap build, the `platform` option cannot be specified (use `build.platform` instead)"))
		}
		c.Platform = c.Build.Platform
		if st, err := os.Stat(c.Build.Path); err != nil {
			errs = append(errs, fmt.Errorf("build.path: %w", err))
		} else if !st.Mode().IsRegular() {
			errs = append(errs, fmt.Errorf("build.path: dockerfile %q is not a regular file", c.Build.Path))
		} else if abs, err := filepath.Abs(c.Build.Path); err == nil {
			c.Build.Path = abs
		}
		if st, err := os.Stat(c.Build.BuildDir); err != nil {
			errs = append(errs, fmt.Errorf("build.build_dir: %w", err))
		} else if !st.IsDir() {
			errs = append(errs, fmt.Errorf("build.build_dir: %q is not a directory", c.Build.BuildDir))
		}
	} else {
		if !set("pull") {
			c.Pull = true
		}
		if c.Image == "" {
			errs = append(errs, errImageNotSpecified)
		}
	}

	switch c.Communicator {
	case "docker", "none":
	case "dockerWindowsContainer":
		errs = append(errs, errors.New("communicator \"dockerWindowsContainer\": Windows containers are not supported by kiln"))
	default:
		errs = append(errs, fmt.Errorf("communicator %q is not supported by kiln's docker builder: use \"docker\" or \"none\"", c.Communicator))
	}
	if c.WindowsContainer {
		errs = append(errs, errors.New("windows_container: Windows containers are not supported by kiln"))
	}

	n := 0
	for _, b := range []bool{c.Commit, c.Discard, c.ExportPath != ""} {
		if b {
			n++
		}
	}
	switch {
	case n > 1:
		errs = append(errs, errArtifactUseConflict)
	case n == 0:
		errs = append(errs, errArtifactNotUsed)
	}
	if c.ExportPath != "" {
		if fi, err := os.Stat(c.ExportPath); err == nil && fi.IsDir() {
			errs = append(errs, errExportPathNotFile)
		}
	}

	if c.EcrLogin {
		if c.LoginServer == "" {
			errs = append(errs, errors.New("ECR login requires login server to be provided"))
		}
	}
	if c.DockerPath != "" {
		warnings = append(warnings, "docker_path is ignored: kiln talks to the Docker Engine API directly")
	}

	// Check run_command now, with a stand-in image, so bad flags fail
	// validate rather than the build.
	if _, err := c.runSpec("kiln-prepare-image"); err != nil {
		errs = append(errs, err)
	}
	for _, d := range c.Device {
		if _, err := parseDevice(d); err != nil {
			errs = append(errs, fmt.Errorf("device: %w", err))
		}
	}
	if c.Platform != "" {
		if _, err := parsePlatform(c.Platform); err != nil {
			errs = append(errs, fmt.Errorf("platform: %w", err))
		}
	}
	return warnings, errors.Join(errs...)
}

// fromHCL reports whether the configuration came from an HCL2 template.
func fromHCL(raws []any) bool {
	for _, r := range raws {
		if _, ok := r.(cty.Value); ok {
			return true
		}
	}
	return false
}

// runSpec renders run_command for image and parses it, then adds what the
// other options ask for, as Packer adds them before run_command.
func (c *Config) runSpec(image string) (ContainerSpec, error) {
	args := make([]string, len(c.RunCommand))
	ictx := &interpolate.Context{Data: map[string]string{"Image": image}}
	for i, a := range c.RunCommand {
		r, err := interpolate.Render(a, ictx)
		if err != nil {
			return ContainerSpec{}, fmt.Errorf("run_command: %w", err)
		}
		args[i] = r
	}
	spec, err := parseRunCommand(args)
	if err != nil {
		return spec, err
	}
	for _, host := range slices.Sorted(maps.Keys(c.Volumes)) {
		spec.Binds = append(spec.Binds, expandHome(host)+":"+c.Volumes[host])
	}
	for _, d := range c.Device {
		dm, err := parseDevice(d)
		if err != nil {
			return spec, fmt.Errorf("device: %w", err)
		}
		spec.Devices = append(spec.Devices, dm)
	}
	spec.CapAdd = append(spec.CapAdd, c.CapAdd...)
	spec.CapDrop = append(spec.CapDrop, c.CapDrop...)
	for _, t := range c.TmpFs {
		addTmpfs(&spec, t)
	}
	if c.Privileged {
		spec.Privileged = true
	}
	if c.Runtime != "" {
		spec.Runtime = c.Runtime
	}
	if c.Platform != "" {
		spec.Platform = c.Platform
	}
	return spec, nil
}

// runCommandLine is the `docker run` command line equivalent to the
// container the builder creates, in the order Packer's docker driver
// writes it (devices, capabilities, privileged, runtime, platform, tmpfs,
// volumes, then run_command), for the build's output.
func (c *Config) runCommandLine(image, tempDir string) string {
	args := []string{"docker", "run"}
	for _, v := range c.Device {
		args = append(args, "--device", v)
	}
	for _, v := range c.CapAdd {
		args = append(args, "--cap-add", v)
	}
	for _, v := range c.CapDrop {
		args = append(args, "--cap-drop", v)
	}
	if c.Privileged {
		args = append(args, "--privileged")
	}
	if c.Runtime != "" {
		args = append(args, "--runtime", c.Runtime)
	}
	if c.Platform != "" {
		args = append(args, "--platform", c.Platform)
	}
	for _, v := range c.TmpFs {
		args = append(args, "--tmpfs", v)
	}
	if tempDir != "" {
		args = append(args, "-v", tempDir+":"+c.ContainerDir)
	}
	for _, host := range slices.Sorted(maps.Keys(c.Volumes)) {
		args = append(args, "-v", expandHome(host)+":"+c.Volumes[host])
	}
	ictx := &interpolate.Context{Data: map[string]string{"Image": image}}
	for _, a := range c.RunCommand {
		if r, err := interpolate.Render(a, ictx); err == nil {
			a = r
		}
		args = append(args, a)
	}
	return strings.Join(args, " ")
}

// expandHome expands a leading "~/" to the home directory, as Packer does
// for volumes.
func expandHome(p string) string {
	if p == "~" || len(p) > 1 && p[:2] == "~/" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// registryAuth returns the credentials for pulls, or nil: with
// ecr_login, a token fetched from ECR for login_server.
func (c *Config) registryAuth(ctx context.Context) (*RegistryAuth, error) {
	if c.EcrLogin {
		return ECRAuth(ctx, c.AWS, c.LoginServer)
	}
	if !c.Login {
		return nil, nil
	}
	return &RegistryAuth{Server: c.LoginServer, Username: c.LoginUsername, Password: c.LoginPassword}, nil
}

// ECRAuth returns the credentials that log in to the Amazon ECR registry
// server, fetched with the AWS access aws.
func ECRAuth(ctx context.Context, aws awsaccess.Config, server string) (*RegistryAuth, error) {
	user, password, err := aws.ECRLogin(ctx, server)
	if err != nil {
		return nil, fmt.Errorf("ecr login: %w", err)
	}
	return &RegistryAuth{Server: server, Username: user, Password: password}, nil
}
