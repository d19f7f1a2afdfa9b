package dockerimport

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/builder/docker"
	"github.com/kilnbuild/kiln/internal/testenv"
)

type testUi struct{}

func (testUi) Ask(string) (string, error) { return "", io.EOF }
func (testUi) Say(string)                 {}
func (testUi) Message(string)             {}
func (testUi) Error(string)               {}
func (testUi) Machine(string, ...string)  {}
func (testUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser {
	return s
}

// rootfs writes a one-file root file system tarball.
func rootfs(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rootfs.tar")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	body := "imported by kiln\n"
	if err := tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(tw, body); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImport(t *testing.T) {
	path := rootfs(t)
	var gotRef string
	var gotChanges []string
	var gotBytes int
	fake := &docker.FakeDriver{ImportImageFunc: func(_ context.Context, r io.Reader, ref string, changes []string, platform, _ string) (string, error) {
		b, err := io.ReadAll(r)
		gotRef, gotChanges, gotBytes = ref, changes, len(b)
		return "sha256:new", err
	}}
	p := &PostProcessor{Driver: fake}
	if err := p.Configure(map[string]any{"repository": "repo", "tag": "1", "changes": []any{"CMD [\"/x\"]"}}); err != nil {
		t.Fatal(err)
	}
	out, keep, force, err := p.PostProcess(t.Context(), testUi{}, &docker.ExportArtifact{Path: path})
	if err != nil || keep || force {
		t.Fatalf("PostProcess: %v keep %v force %v", err, keep, force)
	}
	fi, _ := os.Stat(path)
	if gotRef != "repo:1" || !slices.Equal(gotChanges, []string{`CMD ["/x"]`}) || int64(gotBytes) != fi.Size() {
		t.Errorf("import of %q with %q, %d bytes", gotRef, gotChanges, gotBytes)
	}
	if out.BuilderId() != docker.BuilderIdImport || out.Id() != "repo:1" || out.State("generated_data") != nil {
		t.Errorf("artifact %q %q", out.BuilderId(), out.Id())
	}
}

func TestImportRejects(t *testing.T) {
	p := &PostProcessor{Driver: &docker.FakeDriver{}}
	if err := p.Configure(map[string]any{"repository": "repo"}); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := p.PostProcess(t.Context(), testUi{}, &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdImport, IdValue: "sha256:x"})
	if err == nil || !strings.Contains(err.Error(), "commit: true") {
		t.Errorf("commit artifact: %v", err)
	}
	_, _, _, err = p.PostProcess(t.Context(), testUi{}, &docker.ExportArtifact{})
	if err == nil || !strings.Contains(err.Error(), "no file") {
		t.Errorf("discard artifact: %v", err)
	}
}

func TestImportEngine(t *testing.T) {
	testenv.RequireDocker(t)
	d, err := docker.NewEngineDriver()
	if err != nil {
		t.Fatal(err)
	}
	repo := fmt.Sprintf("kiln-test/dockerimport-%d", time.Now().UnixNano())
	t.Cleanup(func() { _ = d.RemoveImage(context.Background(), repo+":v1", true) })
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{"repository": repo, "tag": "v1", "changes": []any{"ENV IMPORTED=1"}}); err != nil {
		t.Fatal(err)
	}
	out, _, _, err := p.PostProcess(t.Context(), testUi{}, &docker.ExportArtifact{Path: rootfs(t)})
	if err != nil {
		t.Fatal(err)
	}
	info, err := d.InspectImage(t.Context(), out.Id())
	if err != nil || !slices.Contains(info.Env, "IMPORTED=1") {
		t.Errorf("imported image %+v, %v", info, err)
	}
}
