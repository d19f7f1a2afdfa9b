//go:build linux

package chroot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/sdk"
)

func TestBuildOutputs(t *testing.T) {
	requireRoot(t)
	tarball := chroottest.BusyboxTarball(t)

	for _, tc := range []struct {
		format, path string
		tools        []string
		check        func(t *testing.T, out string)
	}{
		{format: "directory", path: "rootfs", check: func(t *testing.T, out string) {
			if got := readFile(t, filepath.Join(out, "etc/provisioned")); got != provisioned {
				t.Errorf("etc/provisioned = %q", got)
			}
			if fi, err := os.Lstat(filepath.Join(out, "bin/sh")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("bin/sh: %v, %v", fi, err)
			}
		}},
		{format: "tar", path: "rootfs.tar.gz", check: func(t *testing.T, out string) {
			if got := chroottest.Run(t, "tar", "-xzOf", out, "./etc/provisioned"); got != provisioned {
				t.Errorf("etc/provisioned in the tarball = %q", got)
			}
			list := chroottest.Run(t, "tar", "-tzvf", out)
			if !strings.Contains(list, "./bin/sh -> busybox") && !strings.Contains(list, "./bin/sh -> ../bin/busybox") {
				t.Errorf("bin/sh is not a link in the tarball:\n%.2000s", list)
			}
			if strings.Contains(list, "./proc/self") || strings.Contains(list, "./dev/pts/ptmx") || strings.Contains(list, "./sys/kernel") {
				t.Errorf("the tarball holds mounted filesystems:\n%.2000s", list)
			}
		}},
		{format: "raw", path: "disk.raw", tools: []string{"mkfs.ext4", "e2fsck", "debugfs"}, check: func(t *testing.T, out string) {
			chroottest.Run(t, "e2fsck", "-fn", out)
			if got := chroottest.Run(t, "debugfs", "-R", "cat /etc/provisioned", out); !strings.Contains(got, provisioned) {
				t.Errorf("debugfs cat /etc/provisioned = %q", got)
			}
		}},
		{format: "qcow2", path: "disk.qcow2", tools: []string{"mkfs.ext4", "qemu-img"}, check: func(t *testing.T, out string) {
			var info struct {
				Format      string `json:"format"`
				VirtualSize int64  `json:"virtual-size"`
			}
			js := chroottest.Run(t, "qemu-img", "info", "--output=json", out)
			if err := json.Unmarshal([]byte(js), &info); err != nil {
				t.Fatal(err)
			}
			if info.Format != "qcow2" || info.VirtualSize != 128<<20 {
				t.Errorf("qemu-img info: %s", js)
			}
			// Back to raw, the filesystem holds the provisioned file.
			raw := filepath.Join(t.TempDir(), "back.raw")
			chroottest.Run(t, "qemu-img", "convert", "-f", "qcow2", "-O", "raw", out, raw)
			if got := chroottest.Run(t, "debugfs", "-R", "cat /etc/provisioned", raw); !strings.Contains(got, provisioned) {
				t.Errorf("debugfs cat /etc/provisioned = %q", got)
			}
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			chroottest.RequireTools(t, tc.tools...)
			dir := outDir(t)
			out := filepath.Join(dir, tc.path)
			cfg := map[string]any{"source": tarball, "output_format": tc.format, "output_path": out}
			if tc.format == "qcow2" {
				cfg["root_volume_size"] = "128M"
			}
			b := prepare(t, cfg)
			art, err := b.Run(t.Context(), testUi{t}, provisionHook(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := art.Files(); len(got) != 1 || got[0] != out {
				t.Errorf("Files() = %v; want [%s]", got, out)
			}
			md := art.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)
			if len(md) != 1 || md[0].Validate() != nil || md[0].ProviderName != "chroot" || md[0].ProviderRegion != dir {
				t.Errorf("image metadata: %+v", md)
			}
			if !strings.HasPrefix(md[0].SourceImageID, "sha256:") {
				t.Errorf("SourceImageID = %q; want the tarball's digest", md[0].SourceImageID)
			}
			if tc.format == "tar" && !strings.HasPrefix(art.Id(), "sha256:") {
				t.Errorf("Id() = %q; want a digest", art.Id())
			}
			gen := art.State(sdk.StateGeneratedData).(map[string]any)
			if gen[sdk.GenSourceImageName] != tarball {
				t.Errorf("generated data: %v", gen)
			}
			tc.check(t, out)
		})
	}
}

func TestBuildDirectorySourceIsNotModified(t *testing.T) {
	requireRoot(t)
	src := filepath.Join(t.TempDir(), "src")
	chroottest.BusyboxRoot(t, src)
	dir := outDir(t)
	out := filepath.Join(dir, "out")
	b := prepare(t, map[string]any{"source": src, "output_path": out})
	if _, err := b.Run(t.Context(), testUi{t}, provisionHook(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src, "etc/provisioned")); err == nil {
		t.Error("the source directory was provisioned")
	}
	if got := readFile(t, filepath.Join(out, "etc/provisioned")); got != provisioned {
		t.Errorf("etc/provisioned = %q", got)
	}
	// The output exists now: a second build refuses, -force replaces it.
	if _, err := b.Run(t.Context(), testUi{t}, provisionHook(t)); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second build = %v; want an error about the existing output", err)
	}
	b = prepare(t, map[string]any{"source": src, "output_path": out, "packer_force": true})
	if _, err := b.Run(t.Context(), testUi{t}, provisionHook(t)); err != nil {
		t.Errorf("build with -force: %v", err)
	}
}

func TestBuildRawSource(t *testing.T) {
	requireRoot(t)
	src := filepath.Join(t.TempDir(), "src")
	chroottest.BusyboxRoot(t, src)
	disk := chroottest.RawDisk(t, src, 48, true)
	before := readFile(t, disk)
	dir := outDir(t)
	out := filepath.Join(dir, "rootfs.tar")
	mountPath := filepath.Join(t.TempDir(), "mnt", "{{.Device}}")
	b := prepare(t, map[string]any{
		"source": disk, "output_format": "tar", "output_path": out,
		"mount_path":          mountPath,
		"mount_options":       []any{"noatime"},
		"post_mount_commands": []any{"test -f {{.MountPath}}/bin/busybox", "test -b {{.Device}}"},
	})
	art, err := b.Run(t.Context(), testUi{t}, provisionHook(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := chroottest.Run(t, "tar", "-xOf", out, "./etc/provisioned"); got != provisioned {
		t.Errorf("etc/provisioned in the tarball = %q", got)
	}
	if readFile(t, disk) != before {
		t.Error("the source disk image was modified")
	}
	gen := art.State(sdk.StateGeneratedData).(map[string]any)
	if dev, _ := gen[GenDevice].(string); !strings.HasPrefix(dev, "/dev/loop") {
		t.Errorf("Device = %q", dev)
	}
	mp, _ := gen[GenMountPath].(string)
	if !strings.Contains(mp, "/mnt/loop") {
		t.Errorf("MountPath = %q; want mount_path rendered with the device", mp)
	}
	if _, err := os.Stat(mp); err == nil {
		t.Errorf("the mount path %s was left behind", mp)
	}
	chroottest.AssertClean(t, filepath.Dir(mp))
}

func TestBuildFromScratch(t *testing.T) {
	requireRoot(t)
	chroottest.RequireTools(t, "sfdisk", "mkfs.ext4", "e2fsck")
	tarball := chroottest.BusyboxTarball(t)
	dir := outDir(t)
	out := filepath.Join(dir, "scratch.raw")
	b := prepare(t, map[string]any{
		"from_scratch":     true,
		"source":           tarball,
		"root_volume_size": "64M",
		"pre_mount_commands": []any{
			"printf 'label: dos\\nstart=2048, type=83\\n' | sfdisk --quiet {{.Device}}",
			"partx --update {{.Device}} || true",
			"mkfs.ext4 -q -L kiln {{.Device}}p1",
		},
		"output_format": "raw",
		"output_path":   out,
	})
	if _, err := b.Run(t.Context(), testUi{t}, provisionHook(t)); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() != 64<<20 {
		t.Fatalf("output: %v, %v", fi, err)
	}
	// The partition checks clean and holds the provisioned file.
	dev := chroottest.AttachPartition(t, out, 1<<20)
	chroottest.Run(t, "e2fsck", "-fn", dev)
	if got := chroottest.Run(t, "debugfs", "-R", "cat /etc/provisioned", dev); !strings.Contains(got, provisioned) {
		t.Errorf("debugfs cat /etc/provisioned = %q", got)
	}
}

func TestBuildRefusesANonEmptyMountPath(t *testing.T) {
	requireRoot(t)
	mp := t.TempDir()
	keep := filepath.Join(mp, "keep")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := outDir(t)
	b := prepare(t, map[string]any{"source": chroottest.BusyboxTarball(t), "mount_path": mp, "output_path": filepath.Join(dir, "out")})
	_, err := b.Run(t.Context(), testUi{t}, provisionHook(t))
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Run = %v; want a refusal of the non-empty mount path", err)
	}
	if got := readFile(t, keep); got != "mine" {
		t.Errorf("the mount path's content changed: %q", got)
	}
}

func TestBuildNeedsRoot(t *testing.T) {
	b := prepare(t, map[string]any{"source": t.TempDir()})
	b.geteuid = func() int { return 1000 }
	_, err := b.Run(t.Context(), testUi{t}, nil)
	if err == nil || !strings.Contains(err.Error(), "must run as root") {
		t.Errorf("Run as a user = %v; want a clear error", err)
	}
}

func TestPrepareErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{}, "set source, or from_scratch"},
		{map[string]any{"source": filepath.Join(dir, "missing")}, "no such file"},
		{map[string]any{"source": dir, "output_format": "vmdk"}, "unknown format"},
		{map[string]any{"source": dir, "source_type": "iso"}, "unknown source type"},
		{map[string]any{"from_scratch": true}, "pre_mount_commands"},
		{map[string]any{"from_scratch": true, "pre_mount_commands": []any{"x"}}, "root_volume_size"},
		{map[string]any{"source": dir, "root_volume_size": "lots"}, "invalid size"},
		{map[string]any{"source": dir, "mount_partition": "first"}, "partition number"},
		{map[string]any{"source": dir, "chroot_mounts": []any{[]any{"proc", "/proc"}}}, "chroot_mounts.0"},
		{map[string]any{"source": dir, "image_changes": []any{"CMD x"}}, "only applies"},
		{map[string]any{"source": dir, "output_format": "oci", "image_changes": []any{"RUN x"}}, "unsupported instruction"},
		{map[string]any{"source": dir, "pre_mount_commands": []any{"x"}}, "only run before a disk"},
		{map[string]any{"source": dir, "bogus": 1}, "unknown configuration key"},
		{map[string]any{"source": dir, "output_format": "oci", "image_name": "Not A Name"}, "image_name"},
	} {
		_, _, err := (&Builder{}).Prepare(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Prepare(%v) = %v; want an error containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestPrepareDefaults(t *testing.T) {
	dir := t.TempDir()
	tarball := filepath.Join(dir, "rootfs.tar.zst")
	if err := os.WriteFile(tarball, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	b := prepare(t, map[string]any{"source": tarball, "packer_build_name": "Web", "output_format": "oci",
		"command_wrapper": "sudo {{.Command}}", "root_volume_size": 2})
	c := b.config
	if c.sourceType != SourceTarball || c.OutputPath != "output-Web.oci.tar" || c.ImageName != "kiln/web:latest" ||
		c.CommandWrapper != "sudo {{.Command}}" || c.volumeBytes != 2<<30 || c.partition != -1 ||
		len(c.ChrootMounts) != 5 || len(c.CopyFiles) != 1 {
		t.Errorf("prepared config: %+v", c)
	}
	b = prepare(t, map[string]any{"source": "docker://kiln-test/busybox:latest"})
	if b.config.sourceType != SourceDocker || b.config.Source != "kiln-test/busybox:latest" {
		t.Errorf("docker source: %q %q", b.config.sourceType, b.config.Source)
	}
	for in, want := range map[string]int64{"1": 1 << 30, "512M": 512 << 20, "1.5G": 3 << 29, "64MiB": 64 << 20, "100k": 100 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
