package docker

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/sdk"
)

func TestImportArtifact(t *testing.T) {
	var removed string
	fake := &FakeDriver{RemoveImageFunc: func(_ context.Context, ref string, _ bool) error { removed = ref; return nil }}
	a := &ImportArtifact{
		BuilderIdValue: BuilderIdTag,
		IdValue:        "repo:2",
		Driver:         fake,
		StateData: map[string]any{
			StateDockerTags: []any{"repo:1", "repo:2"},
			sdk.StateGeneratedData: map[string]any{
				"ImageSha256": "sha256:img", "SourceImageSha256": "sha256:src",
				"SourceImageDigest": "base@sha256:d", "Digest": "sha256:pushed",
			},
		},
	}
	if got, want := a.String(), "Imported Docker image: repo:2 with tags repo:1 repo:2"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if a.Files() != nil {
		t.Errorf("Files() = %q", a.Files())
	}
	want := []sdk.ImageMetadata{{
		ImageID: "sha256:img", ProviderName: "docker", ProviderRegion: "docker", SourceImageID: "sha256:src",
		Labels: map[string]string{
			"tags": "repo:1,repo:2", "SourceImageDigest": "base@sha256:d", "ImageSha256": "sha256:img",
			"PackerArtifactID": "repo:2", "ImageDigest": "sha256:pushed",
		},
	}}
	if d := cmp.Diff(want, a.State(sdk.StateImageMetadata)); d != "" {
		t.Errorf("image metadata (-want +got):\n%s", d)
	}
	if err := a.Destroy(); err != nil || removed != "repo:2" {
		t.Errorf("Destroy: %v, removed %q", err, removed)
	}

	// Without generated data (docker-import's artifact): the id as is.
	plain := &ImportArtifact{BuilderIdValue: BuilderIdImport, IdValue: "repo:tag"}
	md := plain.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)
	if md[0].ImageID != "repo:tag" || md[0].SourceImageID != "" || plain.String() != "Imported Docker image: repo:tag" {
		t.Errorf("plain artifact: %+v %q", md, plain.String())
	}
	if err := md[0].Validate(); err != nil {
		t.Error(err)
	}
}

func TestExportArtifact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.tar")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := &ExportArtifact{Path: path, StateData: map[string]any{sdk.StateGeneratedData: map[string]any{"ID": "c"}}}
	if a.BuilderId() != "packer.docker" || a.Id() != "Container" || a.String() != "Exported Docker file: "+path {
		t.Errorf("artifact %q %q %q", a.BuilderId(), a.Id(), a.String())
	}
	if a.State(sdk.StateImageMetadata) != nil {
		t.Error("export artifact has image metadata")
	}
	if g := a.State(sdk.StateGeneratedData).(map[string]any); g["ID"] != "c" {
		t.Errorf("generated data %v", g)
	}
	if err := a.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file survived Destroy: %v", err)
	}
	discard := &ExportArtifact{}
	if d := cmp.Diff([]string{""}, discard.Files()); d != "" || discard.String() != "Exported Docker file: " || discard.Destroy() != nil {
		t.Errorf("discard artifact: files %q string %q", discard.Files(), discard.String())
	}
}
