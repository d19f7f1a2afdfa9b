//go:build linux

package chroot

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/chroot/chroottest"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
)

// docker runs the docker CLI and fails t if it fails.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	return strings.TrimSpace(chroottest.Run(t, "docker", args...))
}

// uniqueImage returns an image name no one else uses, removed from the
// engine when t ends.
func uniqueImage(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "kiln-test/chroot-" + hex.EncodeToString(b) + ":latest"
	t.Cleanup(func() { _ = exec.Command("docker", "image", "rm", "--force", name).Run() })
	return name
}

// loadAndRun loads the archive with `docker load` and runs args in the
// image, returning the output.
func loadAndRun(t *testing.T, archive, image string, args ...string) string {
	t.Helper()
	if out := docker(t, "load", "--input", archive); !strings.Contains(out, image) {
		t.Fatalf("docker load: %s", out)
	}
	return chroottest.Run(t, "docker", append([]string{"run", "--rm", "--network=none", image}, args...)...)
}

func TestBuildOCI(t *testing.T) {
	requireRoot(t)
	testenv.RequireDocker(t)
	dir := outDir(t)
	out := filepath.Join(dir, "image.tar")
	image := uniqueImage(t)
	b := prepare(t, map[string]any{
		"source":        chroottest.BusyboxTarball(t),
		"output_format": "oci",
		"output_path":   out,
		"image_name":    image,
		"image_changes": []any{`CMD ["/bin/cat", "/etc/provisioned"]`, "ENV GREETING=hi", "WORKDIR /root"},
	})
	art, err := b.Run(t.Context(), testUi{t}, provisionHook(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := loadAndRun(t, out, image); got != provisioned {
		t.Errorf("docker run %s = %q; want %q", image, got, provisioned)
	}
	if got := loadAndRun(t, out, image, "sh", "-c", "echo $GREETING $(pwd)"); got != "hi /root\n" {
		t.Errorf("env and workdir in the image: %q", got)
	}
	if id := docker(t, "image", "inspect", "--format", "{{.Id}}", image); art.Id() != id {
		t.Errorf("artifact id %q; docker says %q", art.Id(), id)
	}
	md := art.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)
	if md[0].ImageID != art.Id() || md[0].Labels["format"] != "oci" {
		t.Errorf("image metadata: %+v", md)
	}
}

func TestBuildFromDockerImage(t *testing.T) {
	requireRoot(t)
	testenv.RequireDocker(t)
	const source = "kiln-test/busybox:latest"
	if err := exec.Command("docker", "image", "inspect", source).Run(); err != nil {
		if testenv.InCI() {
			t.Fatalf("CI=true but %s is missing (scripts/build-test-images.sh builds it)", source)
		}
		testenv.SkipUnprepared(t, "%s is missing: run scripts/build-test-images.sh", source)
	}
	sourceID := docker(t, "image", "inspect", "--format", "{{.Id}}", source)
	dir := outDir(t)
	out := filepath.Join(dir, "image.tar")
	image := uniqueImage(t)
	b := prepare(t, map[string]any{
		"source":        "docker://" + source,
		"output_format": "oci",
		"output_path":   out,
		"image_name":    image,
	})
	art, err := b.Run(t.Context(), testUi{t}, provisionHook(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := art.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)[0].SourceImageID; got != sourceID {
		t.Errorf("SourceImageID = %q; want %q", got, sourceID)
	}
	// The source's configuration (CMD ["/bin/sh"], PATH) carries over.
	if got := loadAndRun(t, out, image, "cat", "/etc/provisioned"); got != provisioned {
		t.Errorf("cat /etc/provisioned = %q", got)
	}
	cmd := docker(t, "image", "inspect", "--format", "{{json .Config.Cmd}}", image)
	if cmd != `["/bin/sh"]` {
		t.Errorf("CMD = %s; want the source's", cmd)
	}
	// The layer holds the image's files, without Docker's marker.
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal([]byte(chroottest.Run(t, "tar", "-xOf", out, "manifest.json")), &manifest); err != nil || len(manifest) != 1 || len(manifest[0].Layers) != 1 {
		t.Fatalf("manifest.json: %+v, %v", manifest, err)
	}
	layer := filepath.Join(t.TempDir(), "layer.tar.gz")
	chroottest.Run(t, "tar", "-xf", out, "-C", filepath.Dir(layer), manifest[0].Layers[0])
	list := chroottest.Run(t, "tar", "-tzf", filepath.Join(filepath.Dir(layer), manifest[0].Layers[0]))
	if !strings.Contains(list, "./bin/busybox\n") || strings.Contains(list, ".dockerenv") {
		t.Errorf("layer content:\n%.3000s", list)
	}
}
