package dockertag

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/builder/docker"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
)

type testUi struct{ lines []string }

func (u *testUi) Ask(string) (string, error) { return "", io.EOF }
func (u *testUi) Say(s string)               { u.lines = append(u.lines, "say: "+s) }
func (u *testUi) Message(s string)           { u.lines = append(u.lines, "msg: "+s) }
func (u *testUi) Error(s string)             { u.lines = append(u.lines, "err: "+s) }
func (u *testUi) Machine(string, ...string)  {}
func (u *testUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser {
	return s
}

func configure(t *testing.T, p *PostProcessor, raw map[string]any) {
	t.Helper()
	if err := p.Configure(raw); err != nil {
		t.Fatal(err)
	}
}

func TestTag(t *testing.T) {
	var tagged []string
	fake := &docker.FakeDriver{TagImageFunc: func(_ context.Context, src, target string) error {
		tagged = append(tagged, src+" -> "+target)
		return nil
	}}
	p := &PostProcessor{Driver: fake}
	configure(t, p, map[string]any{"repository": "repo", "tags": []any{"1"}, "tag": "2"})
	gen := map[string]any{"ImageSha256": "sha256:abc"}
	in := &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdImport, IdValue: "sha256:abc", StateData: map[string]any{sdk.StateGeneratedData: gen}}
	ui := &testUi{}
	out, keep, force, err := p.PostProcess(t.Context(), ui, in)
	if err != nil || !keep || !force {
		t.Fatalf("PostProcess = %v, keep %v, force %v", err, keep, force)
	}
	if d := cmp.Diff([]string{"sha256:abc -> repo:1", "sha256:abc -> repo:2"}, tagged); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
	if out.BuilderId() != docker.BuilderIdTag || out.Id() != "repo:2" || out.String() != "Imported Docker image: repo:2 with tags repo:1 repo:2" {
		t.Errorf("artifact %q %q %q", out.BuilderId(), out.Id(), out.String())
	}
	if g := out.State(sdk.StateGeneratedData).(map[string]any); g["ImageSha256"] != "sha256:abc" {
		t.Errorf("generated data not forwarded: %v", g)
	}
	// Packer's lines: the deprecation first, then a pair per tag.
	want := []string{
		`say: Deprecation warning: "tag" option has been replaced with "tags". In future versions of Packer, this configuration may not work. Please call ` + "`packer fix`" + ` on your template to update.`,
		"msg: Tagging image: sha256:abc", "msg: Repository: repo:1",
		"msg: Tagging image: sha256:abc", "msg: Repository: repo:2",
	}
	if d := cmp.Diff(want, ui.lines); d != "" {
		t.Errorf("ui (-want +got):\n%s", d)
	}
}

func TestTagWithoutTagsUsesRepository(t *testing.T) {
	fake := &docker.FakeDriver{}
	p := &PostProcessor{Driver: fake}
	configure(t, p, map[string]any{"repository": "repo"})
	ui := &testUi{}
	out, _, _, err := p.PostProcess(t.Context(), ui, &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdTag, IdValue: "x:1"})
	if err != nil || out.Id() != "repo" {
		t.Fatalf("PostProcess = %v, %v", out, err)
	}
	// As Packer: no docker_tags, so nothing "with tags" in the summary.
	if got := out.String(); got != "Imported Docker image: repo" {
		t.Errorf("String() = %q", got)
	}
	if d := cmp.Diff([]string{"msg: Tagging image: x:1", "msg: Repository: repo"}, ui.lines); d != "" {
		t.Errorf("ui (-want +got):\n%s", d)
	}
}

func TestTagRejectsOtherArtifacts(t *testing.T) {
	p := &PostProcessor{Driver: &docker.FakeDriver{}}
	configure(t, p, map[string]any{"repository": "repo"})
	_, keep, force, err := p.PostProcess(t.Context(), &testUi{}, &docker.ExportArtifact{Path: "x.tar"})
	if err == nil || !strings.Contains(err.Error(), "unknown artifact type: packer.docker") || keep || !force {
		t.Errorf("err = %v keep %v force %v", err, keep, force)
	}
	if err := (&PostProcessor{}).Configure(map[string]any{"tags": []any{"x"}}); err == nil {
		t.Error("missing repository accepted")
	}
}

func TestTagEngine(t *testing.T) {
	testenv.RequireDocker(t)
	d, err := docker.NewEngineDriver()
	if err != nil {
		t.Fatal(err)
	}
	const base = "kiln-test/busybox:latest"
	if _, err := d.InspectImage(t.Context(), base); err != nil {
		testenv.SkipUnprepared(t, "%s missing: run scripts/build-test-images.sh", base)
	}
	repo := fmt.Sprintf("kiln-test/dockertag-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		for _, tag := range []string{"a", "b"} {
			_ = d.RemoveImage(context.Background(), repo+":"+tag, false)
		}
	})
	p := &PostProcessor{}
	configure(t, p, map[string]any{"repository": repo, "tags": []any{"a", "b"}})
	info, _ := d.InspectImage(t.Context(), base)
	out, _, _, err := p.PostProcess(t.Context(), &testUi{}, &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdImport, IdValue: info.ID})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.InspectImage(t.Context(), out.Id())
	if err != nil || got.ID != info.ID || !slices.Contains(got.RepoTags, repo+":a") {
		t.Errorf("tagged image %+v, %v", got, err)
	}
	// Destroying the tag artifact removes the tag, not the image.
	if err := out.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.InspectImage(t.Context(), repo+":b"); !docker.IsNotFound(err) {
		t.Errorf("tag still there after Destroy: %v", err)
	}
	if _, err := d.InspectImage(t.Context(), base); err != nil {
		t.Errorf("base image gone: %v", err)
	}
}
