// Package chroot is kiln's chroot builder: it builds a Linux machine
// image on the local host without a VM or a daemon. The image's root
// filesystem — from a directory, a tarball, a raw disk image, a Docker
// image or a new empty disk — is put in place on the host (a directory,
// or a disk image attached to a loop device and mounted), provisioned
// inside a chroot, and written out as a directory, a tarball, a raw or
// qcow2 disk image or an image archive `docker load` accepts.
//
// The builder needs root. It leans on the reusable steps and the
// communicator of package github.com/kilnbuild/kiln/chroot, and on host
// tools: mount, losetup and partx (util-linux), tar and cp (GNU),
// mkfs.ext4 (e2fsprogs) for raw and qcow2 outputs of a directory, and
// qemu-img for qcow2.
package chroot

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/chroot"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// BuilderID identifies the artifacts of this builder.
const BuilderID = "kiln.chroot"

// Generated data this builder provides to provisioners and
// post-processors (build.Device, build.MountPath, …).
const (
	GenDevice        = "Device"
	GenMountPath     = "MountPath"
	GenSourceImageID = "SourceImageID"
)

// Builder is the chroot builder.
type Builder struct {
	config Config
	// geteuid is os.Geteuid, replaced in tests.
	geteuid func() int
	// docker exports Docker images; nil means the Engine API at
	// DOCKER_HOST.
	docker imageExporter
}

var _ sdk.Builder = (*Builder)(nil)

// New returns a chroot builder.
func New() sdk.Builder { return &Builder{} }

// ConfigSpec implements sdk.Builder.
func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// notInterpolated are the keys rendered later, with the builder's own data.
var notInterpolated = []string{"command_wrapper", "pre_mount_commands", "post_mount_commands", "mount_path"}

// Prepare implements sdk.Builder.
func (b *Builder) Prepare(raws ...any) ([]string, []string, error) {
	// A first pass reads the user variables that {{ user }} needs.
	var first Config
	if err := config.Decode(&first, nil, raws...); err != nil {
		return nil, nil, err
	}
	ictx := interpolate.Context{
		UserVariables: first.PackerUserVars,
		BuildName:     first.PackerBuildName,
		BuildType:     first.PackerBuilderType,
		TemplatePath:  first.PackerTemplatePath,
	}
	var c Config
	opts := &config.DecodeOpts{
		Interpolate: func(_, v string) (string, error) {
			return interpolate.Render(v, &ictx)
		},
		InterpolateExclude: notInterpolated,
	}
	if err := config.Decode(&c, opts, raws...); err != nil {
		return nil, nil, err
	}
	warnings, err := c.prepare()
	if err != nil {
		return nil, warnings, err
	}
	b.config = c
	return []string{GenDevice, GenMountPath, sdk.GenSourceImageName, GenSourceImageID}, warnings, nil
}

// Run implements sdk.Builder.
func (b *Builder) Run(ctx context.Context, ui sdk.Ui, hook sdk.Hook) (sdk.Artifact, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("the chroot builder only runs on Linux")
	}
	geteuid := b.geteuid
	if geteuid == nil {
		geteuid = os.Geteuid
	}
	if geteuid() != 0 {
		return nil, fmt.Errorf("the chroot builder must run as root: it mounts filesystems, attaches loop devices and runs chroot (run kiln with sudo)")
	}
	c := &b.config
	state := multistep.NewState()
	multistep.Put(state, commonsteps.KeyUi, ui)
	multistep.Put(state, commonsteps.KeyHook, hook)
	multistep.Put(state, chroot.KeyCommandWrapper, chroot.NewCommandWrapper(c.CommandWrapper, c.ictx))

	exporter := b.docker
	if exporter == nil {
		exporter = &engineExporter{}
	}
	runner := commonsteps.NewRunner(b.steps(exporter), c.PackerConfig, ui)
	if err := runner.Run(ctx, state); err != nil {
		return nil, err
	}
	res, ok := multistep.Get(state, keyResult)
	if !ok {
		return nil, fmt.Errorf("chroot build produced no output")
	}
	gen, _ := multistep.Get(state, commonsteps.KeyGeneratedData)
	sourceID, _ := gen[GenSourceImageID].(string)
	return &Artifact{
		Format:        c.OutputFormat,
		Path:          res.path,
		ImageID:       res.imageID,
		SourceImageID: sourceID,
		Source:        c.Source,
		generated:     gen,
	}, nil
}

// steps lists the build's steps for the configuration.
func (b *Builder) steps(exporter imageExporter) []multistep.Step {
	c := &b.config
	mountExtra := &chroot.StepMountExtra{ChrootMounts: c.ChrootMounts}
	copyFiles := &chroot.StepCopyFiles{Files: c.CopyFiles}
	steps := []multistep.Step{&stepWorkspace{config: c}}
	var deviceCleanups []chroot.Cleanup
	if c.diskBacked() {
		attach := &chroot.StepAttachLoop{}
		mountDev := &chroot.StepMountDevice{Partition: c.partition, Options: c.MountOptions}
		deviceCleanups = []chroot.Cleanup{mountDev, attach}
		steps = append(steps,
			&stepDisk{config: c},
			attach,
			&stepMountPath{config: c},
			&chroot.StepPreMountCommands{Commands: c.PreMountCommands, Ctx: c.ictx},
			mountDev,
		)
	} else {
		steps = append(steps, &stepMountPath{config: c})
	}
	steps = append(steps,
		&stepPopulate{config: c, docker: exporter},
		&chroot.StepPostMountCommands{Commands: c.PostMountCommands, Ctx: c.ictx},
		mountExtra,
		copyFiles,
		&chroot.StepChrootProvision{},
		&chroot.StepEarlyCleanup{Cleanups: []chroot.Cleanup{copyFiles, mountExtra}},
		&stepExportTree{config: c},
		&chroot.StepEarlyCleanup{Cleanups: deviceCleanups},
		&stepExportDisk{config: c},
	)
	return steps
}
