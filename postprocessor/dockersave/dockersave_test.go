package dockersave

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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

func TestSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "img.tar")
	fake := &docker.FakeDriver{SaveImageFunc: func(_ context.Context, refs []string, w io.Writer) error {
		_, err := io.WriteString(w, strings.Join(refs, ","))
		return err
	}}
	p := &PostProcessor{Driver: fake}
	if err := p.Configure(map[string]any{"path": path}); err != nil {
		t.Fatal(err)
	}
	in := &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdTag, IdValue: "repo:1"}
	out, keep, force, err := p.PostProcess(t.Context(), testUi{}, in)
	if err != nil || out != in || !keep || force {
		t.Fatalf("PostProcess = %v, %v, %v, %v; want the input, kept", out, keep, force, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "repo:1" {
		t.Errorf("saved %q", b)
	}
	// A failed save leaves no file.
	fake.SaveImageFunc = func(_ context.Context, _ []string, w io.Writer) error {
		_, _ = io.WriteString(w, "partial")
		return errors.New("engine went away")
	}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, in); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("partial file left: %v", err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, &docker.ExportArtifact{Path: "x"}); err == nil || !strings.Contains(err.Error(), "can only save Docker builder artifacts") {
		t.Errorf("export artifact: %v", err)
	}
	if err := (&PostProcessor{}).Configure(map[string]any{}); err == nil {
		t.Error("missing path accepted")
	}
}

func TestSaveEngine(t *testing.T) {
	testenv.RequireDocker(t)
	const ref = "kiln-test/busybox:latest"
	d, err := docker.NewEngineDriver()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.InspectImage(t.Context(), ref); err != nil {
		testenv.SkipUnprepared(t, "%s missing: run scripts/build-test-images.sh", ref)
	}
	path := filepath.Join(t.TempDir(), "busybox.tar")
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{"path": path}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdTag, IdValue: ref}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
	}
	if !slices.Contains(names, "manifest.json") {
		t.Errorf("saved archive has no manifest.json: %q", names)
	}
}
