package dockerpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/awsaccess/awstest"
	"github.com/kilnbuild/kiln/builder/docker"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/postprocessor/dockertag"
	"github.com/kilnbuild/kiln/sdk"
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

func TestPush(t *testing.T) {
	var pushed []string
	var auths []*docker.RegistryAuth
	fake := &docker.FakeDriver{
		PushImageFunc: func(_ context.Context, ref string, auth *docker.RegistryAuth, _ func(string)) (string, error) {
			pushed = append(pushed, ref)
			auths = append(auths, auth)
			return "sha256:d", nil
		},
		InspectImageFunc: func(context.Context, string) (docker.ImageInfo, error) {
			return docker.ImageInfo{RepoDigests: []string{"reg:5000/repo@sha256:d"}}, nil
		},
	}
	p := &PostProcessor{Driver: fake}
	if err := p.Configure(map[string]any{"login": true, "login_server": "reg:5000", "login_username": "u", "login_password": "p"}); err != nil {
		t.Fatal(err)
	}
	in := &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdTag, IdValue: "reg:5000/repo:2", StateData: map[string]any{
		docker.StateDockerTags: []string{"reg:5000/repo:1", "reg:5000/repo:2"},
		sdk.StateGeneratedData: map[string]any{"ImageSha256": "sha256:img"},
	}}
	out, keep, force, err := p.PostProcess(t.Context(), testUi{}, in)
	if err != nil || !keep || force {
		t.Fatalf("PostProcess: %v keep %v force %v", err, keep, force)
	}
	if d := cmp.Diff([]string{"Login", "PushImage", "PushImage", "InspectImage"}, fake.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"reg:5000/repo:2", "reg:5000/repo:1"}, pushed); d != "" {
		t.Errorf("pushed (-want +got):\n%s", d)
	}
	if auths[0] == nil || auths[0].Username != "u" {
		t.Errorf("auth %+v", auths[0])
	}
	g := out.State(sdk.StateGeneratedData).(map[string]any)
	if out.BuilderId() != docker.BuilderIdImport || out.Id() != "reg:5000/repo:2" || g["Digest"] != "reg:5000/repo@sha256:d" || g["ImageSha256"] != "sha256:img" {
		t.Errorf("artifact %q %q generated %v", out.BuilderId(), out.Id(), g)
	}
	md := out.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)
	if md[0].Labels["ImageDigest"] != "reg:5000/repo@sha256:d" || md[0].ImageID != "sha256:img" {
		t.Errorf("metadata %+v", md)
	}
}

func TestPushErrors(t *testing.T) {
	boom := errors.New("denied")
	p := &PostProcessor{Driver: &docker.FakeDriver{PushImageFunc: func(context.Context, string, *docker.RegistryAuth, func(string)) (string, error) {
		return "", boom
	}}}
	if err := p.Configure(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdTag, IdValue: "r:1"}); !errors.Is(err, boom) {
		t.Errorf("push error: %v", err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, &docker.ExportArtifact{}); err == nil || !strings.Contains(err.Error(), "unknown artifact type") {
		t.Errorf("export artifact: %v", err)
	}
	if err := (&PostProcessor{}).Configure(map[string]any{"ecr_login": true}); err == nil || !strings.Contains(err.Error(), "ECR login requires login server to be provided") {
		t.Errorf("ecr_login without login_server: %v", err)
	}
}

// With ecr_login, the push logs in with a token from ECR for login_server's
// account and region (fetched with the template's aws_* keys), and
// login_username/login_password are ignored, as in Packer.
func TestPushECRLogin(t *testing.T) {
	aws := awstest.Serve(t, map[string]awstest.Answer{awstest.TargetECRToken: awstest.ECRAnswer("AWS", "ecr-password")})
	var logins []docker.RegistryAuth
	var auths []*docker.RegistryAuth
	fake := &docker.FakeDriver{
		LoginFunc: func(_ context.Context, a docker.RegistryAuth) error {
			logins = append(logins, a)
			return nil
		},
		PushImageFunc: func(_ context.Context, _ string, a *docker.RegistryAuth, _ func(string)) (string, error) {
			auths = append(auths, a)
			return "sha256:d", nil
		},
	}
	const server = "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
	p := &PostProcessor{Driver: fake}
	if err := p.Configure(map[string]any{
		"ecr_login": true, "login_server": server, "aws_access_key": "AKIDTEMPLATE", "aws_secret_key": "s",
		"login": true, "login_username": "ignored", "login_password": "ignored",
	}); err != nil {
		t.Fatal(err)
	}
	in := &docker.ImportArtifact{BuilderIdValue: docker.BuilderIdTag, IdValue: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, in); err != nil {
		t.Fatal(err)
	}
	want := docker.RegistryAuth{Server: server, Username: "AWS", Password: "ecr-password"}
	if d := cmp.Diff([]docker.RegistryAuth{want}, logins); d != "" {
		t.Errorf("logins (-want +got):\n%s", d)
	}
	if len(auths) != 1 || auths[0] == nil || *auths[0] != want {
		t.Errorf("push auth %v, want %+v", auths, want)
	}
	c := aws.Last()
	if c.Target != awstest.TargetECRToken || !strings.Contains(c.Auth, "Credential=AKIDTEMPLATE/") || !strings.Contains(c.Auth, "/eu-west-1/ecr/") {
		t.Errorf("ECR call %+v", c)
	}

	// A login_server that is not ECR fails before anything is pushed.
	auths = nil
	if err := p.Configure(map[string]any{"ecr_login": true, "login_server": "registry.example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), testUi{}, in); err == nil || !strings.Contains(err.Error(), "ecr login: failed to parse the ECR URL") {
		t.Errorf("not an ECR server: %v", err)
	}
	if len(auths) != 0 {
		t.Errorf("pushed after a failed ECR login")
	}
}

func TestConfigFileAuth(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	cfg := `{"auths":{"reg.example:5000":{"auth":"dTpw"},"https://index.docker.io/v1/":{"auth":"aHViOnNlY3JldA=="}}}`
	if err := os.WriteFile(dir+"/config.json", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if a := docker.ConfigFileAuth("reg.example:5000/a/b:1"); a == nil || a.Username != "u" || a.Password != "p" {
		t.Errorf("private registry auth = %+v", a)
	}
	if a := docker.ConfigFileAuth("user/repo:1"); a == nil || a.Username != "hub" {
		t.Errorf("hub auth = %+v", a)
	}
	if a := docker.ConfigFileAuth("other.example/x"); a != nil {
		t.Errorf("auth for an unknown registry: %+v", a)
	}
}

// registry returns the address of the test registry
// (scripts/start-test-registry.sh), skipping the test without one — except
// in CI, where it fails.
func registry(t *testing.T) string {
	t.Helper()
	testenv.RequireDocker(t)
	addr := os.Getenv("KILN_TEST_REGISTRY")
	if addr == "" {
		b, _ := os.ReadFile("/var/lib/kiln-test/registry/addr")
		addr = strings.TrimSpace(string(b))
	}
	ok := false
	if addr != "" {
		c := &http.Client{Timeout: 2 * time.Second}
		if resp, err := c.Get("http://" + addr + "/v2/"); err == nil {
			resp.Body.Close()
			ok = resp.StatusCode == http.StatusOK
		}
	}
	if !ok {
		if testenv.InCI() {
			t.Fatalf("CI=true but no test registry answers at %q (scripts/start-test-registry.sh)", addr)
		}
		testenv.SkipUnprepared(t, "no test registry: run scripts/start-test-registry.sh")
	}
	return addr
}

// Tag then push to a real registry on 127.0.0.1, as a template's
// docker-tag + docker-push chain does.
func TestPushToRegistry(t *testing.T) {
	addr := registry(t)
	d, err := docker.NewEngineDriver()
	if err != nil {
		t.Fatal(err)
	}
	const base = "kiln-test/busybox:latest"
	info, err := d.InspectImage(t.Context(), base)
	if err != nil {
		testenv.SkipUnprepared(t, "%s missing: run scripts/build-test-images.sh", base)
	}
	repo := fmt.Sprintf("%s/kiln-test/pushed-%d", addr, time.Now().UnixNano())
	t.Cleanup(func() {
		for _, tag := range []string{"a", "b"} {
			_ = d.RemoveImage(context.Background(), repo+":"+tag, false)
		}
	})
	tag := &dockertag.PostProcessor{}
	if err := tag.Configure(map[string]any{"repository": repo, "tags": []any{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	tagged, _, _, err := tag.PostProcess(t.Context(), testUi{}, &docker.ImportArtifact{
		BuilderIdValue: docker.BuilderIdImport, IdValue: info.ID,
		StateData: map[string]any{sdk.StateGeneratedData: map[string]any{"ImageSha256": info.ID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	push := &PostProcessor{}
	if err := push.Configure(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	out, _, _, err := push.PostProcess(t.Context(), testUi{}, tagged)
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := out.State(sdk.StateGeneratedData).(map[string]any)["Digest"].(string)
	if !strings.HasPrefix(digest, repo+"@sha256:") {
		t.Errorf("Digest = %q, want %s@sha256:…", digest, repo)
	}
	// The registry has both tags.
	name := strings.TrimPrefix(repo, addr+"/")
	resp, err := http.Get("http://" + addr + "/v2/" + name + "/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Tags []string }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	slices.Sort(list.Tags)
	if !slices.Equal(list.Tags, []string{"a", "b"}) {
		t.Errorf("registry tags = %q", list.Tags)
	}
}
