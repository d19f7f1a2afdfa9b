//go:build linux

package chroot

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/sdk"
)

// fakeExporter stands in for the Docker engine.
type fakeExporter struct {
	tarball string
	err     error
}

func (f fakeExporter) Export(ctx context.Context, image string, w io.Writer) (imageInfo, error) {
	if f.err != nil {
		return imageInfo{}, f.err
	}
	r, err := os.Open(f.tarball)
	if err != nil {
		return imageInfo{}, err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return imageInfo{ID: "sha256:fake", Config: imageConfig{Cmd: []string{"/bin/sh"}}}, err
}

// A build that fails at any point cleans up everything it made, and
// never deletes through a mount a command left in place.
func TestBuildFailureCleansUp(t *testing.T) {
	requireRoot(t)
	tarball := chroottest.BusyboxTarball(t)
	hostDir := t.TempDir()
	sentinel := filepath.Join(hostDir, "sentinel")
	if err := os.WriteFile(sentinel, []byte("host data"), 0o644); err != nil {
		t.Fatal(err)
	}
	errHook := errors.New("provisioner failed")
	for _, tc := range []struct {
		name   string
		cfg    map[string]any
		hook   sdk.Hook
		docker imageExporter
		want   string
	}{
		{name: "provisioner", cfg: map[string]any{"source": tarball},
			hook: sdk.HookFunc(func(context.Context, string, sdk.Ui, sdk.Communicator, any) error { return errHook }),
			want: "provisioner failed"},
		{name: "post-mount bind left in place", cfg: map[string]any{"source": tarball,
			"post_mount_commands": []any{"mkdir {{.MountPath}}/host && mount --bind " + hostDir + " {{.MountPath}}/host", "false"}},
			want: "post-mount commands"},
		{name: "from scratch pre-mount", cfg: map[string]any{"from_scratch": true, "root_volume_size": "16M",
			"pre_mount_commands": []any{"exit 7"}}, want: "pre-mount commands"},
		{name: "from scratch unformatted", cfg: map[string]any{"from_scratch": true, "root_volume_size": "16M",
			"pre_mount_commands": []any{"true"}, "mount_partition": "0"}, want: "mount"},
		{name: "docker export", cfg: map[string]any{"source": "docker://example/missing"},
			docker: fakeExporter{err: errors.New("no such image")}, want: "no such image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := outDir(t)
			tc.cfg["output_path"] = filepath.Join(dir, "out")
			b := prepare(t, tc.cfg)
			b.docker = tc.docker
			hook := tc.hook
			if hook == nil {
				hook = provisionHook(t)
			}
			_, err := b.Run(t.Context(), testUi{t}, hook)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v; want an error containing %q", err, tc.want)
			}
			if got := readFile(t, sentinel); got != "host data" {
				t.Fatalf("the host directory bound into the build lost its data: %q", got)
			}
		})
	}
}

func TestBuildDockerSourceWithFakeEngine(t *testing.T) {
	requireRoot(t)
	dir := outDir(t)
	out := filepath.Join(dir, "rootfs.tar")
	b := prepare(t, map[string]any{"source": "docker://example/app:1", "output_format": "tar", "output_path": out})
	b.docker = fakeExporter{tarball: chroottest.BusyboxTarball(t)}
	art, err := b.Run(t.Context(), testUi{t}, provisionHook(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := art.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)[0].SourceImageID; got != "sha256:fake" {
		t.Errorf("SourceImageID = %q", got)
	}
	if got := chroottest.Run(t, "tar", "-xOf", out, "./etc/provisioned"); got != provisioned {
		t.Errorf("etc/provisioned = %q", got)
	}
}

// The configuration decodes from HCL through ConfigSpec, numbers and
// nested lists included.
func TestConfigFromHCL(t *testing.T) {
	src := `
source              = "` + t.TempDir() + `"
root_volume_size    = 2
mount_partition     = 0
chroot_mounts       = [["proc", "proc", "/proc"], ["bind", "/dev", "/dev", "ro"]]
copy_files          = []
output_format       = "tar"
post_mount_commands = ["echo {{.MountPath}}"]
`
	f, diags := hclparse.NewParser().ParseHCL([]byte(src), "t.pkr.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	b := &Builder{}
	val, diags := hcldec.Decode(f.Body, b.ConfigSpec(), &hcl.EvalContext{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, _, err := b.Prepare(val); err != nil {
		t.Fatal(err)
	}
	c := b.config
	if c.volumeBytes != 2<<30 || c.partition != 0 || len(c.ChrootMounts) != 2 || c.ChrootMounts[1][3] != "ro" ||
		len(c.CopyFiles) != 0 || c.PostMountCommands[0] != "echo {{.MountPath}}" {
		t.Errorf("config from HCL: %+v", c)
	}
}
