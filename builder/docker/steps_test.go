package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/awsaccess/awstest"
	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/commonsteps"
	kilnui "github.com/kilnbuild/kiln/ui"
)

// testState is the canonical state the steps run in: a prepared
// configuration (commit of a local image), a FakeDriver and a recording Ui.
func testState(t *testing.T, raw map[string]any) (*multistep.State, *FakeDriver, *recordingUi) {
	t.Helper()
	base := map[string]any{"image": "base:1", "commit": true, "pull": false}
	for k, v := range raw {
		base[k] = v
	}
	var c Config
	if _, err := c.prepare(base); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	fake := &FakeDriver{}
	u := &recordingUi{}
	state := multistep.NewState()
	multistep.Put(state, KeyConfig, &c)
	multistep.Put(state, KeyDriver, Driver(fake))
	multistep.Put(state, commonsteps.KeyUi, sdk.Ui(u))
	return state, fake, u
}

func generated(state *multistep.State) map[string]any {
	g, _ := multistep.Get(state, commonsteps.KeyGeneratedData)
	return g
}

func TestStepDefaultGeneratedData(t *testing.T) {
	state, _, _ := testState(t, nil)
	if a := (StepDefaultGeneratedData{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal("halted")
	}
	want := map[string]any{
		"ImageSha256":       "ERR_IMAGE_SHA256_NOT_FOUND",
		"SourceImageDigest": "ERR_SOURCE_IMAGE_DIGEST_NOT_FOUND",
		"SourceImageSha256": "ERR_SOURCE_IMAGE_Sha256_NOT_FOUND",
	}
	if d := cmp.Diff(want, generated(state)); d != "" {
		t.Errorf("generated data (-want +got):\n%s", d)
	}
}

func TestStepTempDir(t *testing.T) {
	t.Setenv("PACKER_TMP_DIR", t.TempDir())
	state, _, _ := testState(t, nil)
	s := StepTempDir{}
	if a := s.Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	dir := multistep.MustGet(state, KeyTempDir)
	if !strings.HasPrefix(dir, os.Getenv("PACKER_TMP_DIR")) {
		t.Errorf("temp dir %s not under PACKER_TMP_DIR", dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("stat %s: %v", dir, err)
	}
	s.Cleanup(state)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp dir still there after Cleanup: %v", err)
	}
}

func TestStepPullLocalImage(t *testing.T) {
	state, fake, _ := testState(t, nil)
	fake.InspectImageFunc = func(_ context.Context, ref string) (ImageInfo, error) {
		return ImageInfo{ID: "sha256:abc", RepoDigests: []string{"base@sha256:def"}}, nil
	}
	if a := (StepPull{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	if fake.Called("PullImage") != 0 || fake.Called("Login") != 0 {
		t.Errorf("pull = false but calls were %v", fake.Calls())
	}
	g := generated(state)
	if g["SourceImageSha256"] != "sha256:abc" || g["SourceImageDigest"] != "base@sha256:def" {
		t.Errorf("generated data = %v", g)
	}
	if img, _ := multistep.Get(state, KeyRunImage); img != "base:1" {
		t.Errorf("run image = %q", img)
	}
}

func TestStepPullMissingLocalImage(t *testing.T) {
	state, fake, _ := testState(t, nil)
	fake.InspectImageFunc = func(_ context.Context, ref string) (ImageInfo, error) {
		return ImageInfo{}, fmt.Errorf("inspect image %s: %w", ref, ErrNotFound)
	}
	if a := (StepPull{}).Run(t.Context(), state); a != multistep.Halt {
		t.Fatal("did not halt")
	}
	if err := multistep.Err(state); err == nil || !strings.Contains(err.Error(), "pull is false") {
		t.Errorf("err = %v", err)
	}
}

func TestStepPullWithLogin(t *testing.T) {
	state, fake, _ := testState(t, map[string]any{
		"pull": true, "login": true, "login_server": "reg.example:5000",
		"login_username": "u", "login_password": "p", "platform": "linux/amd64",
	})
	var gotAuth *RegistryAuth
	var gotPlatform string
	fake.PullImageFunc = func(_ context.Context, ref, platform string, auth *RegistryAuth, progress func(string)) error {
		gotAuth, gotPlatform = auth, platform
		progress("Pulling fs layer")
		return nil
	}
	if a := (StepPull{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	if d := cmp.Diff([]string{"Login", "PullImage", "InspectImage"}, fake.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if gotAuth == nil || *gotAuth != (RegistryAuth{Server: "reg.example:5000", Username: "u", Password: "p"}) || gotPlatform != "linux/amd64" {
		t.Errorf("pull auth %+v platform %q", gotAuth, gotPlatform)
	}
}

// With ecr_login the pull logs in with a token fetched from ECR for
// login_server (Packer's docker builder does the same).
func TestStepPullWithECRLogin(t *testing.T) {
	aws := awstest.Serve(t, map[string]awstest.Answer{awstest.TargetECRToken: awstest.ECRAnswer("AWS", "ecr-password")})
	const server = "123456789012.dkr.ecr.us-west-2.amazonaws.com"
	state, fake, u := testState(t, map[string]any{
		"pull": true, "ecr_login": true, "login_server": server,
		"image": server + "/base:1",
	})
	var gotAuth *RegistryAuth
	fake.PullImageFunc = func(_ context.Context, _, _ string, auth *RegistryAuth, _ func(string)) error {
		gotAuth = auth
		return nil
	}
	if a := (StepPull{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	want := RegistryAuth{Server: server, Username: "AWS", Password: "ecr-password"}
	if gotAuth == nil || *gotAuth != want {
		t.Errorf("pull auth %+v, want %+v", gotAuth, want)
	}
	if d := cmp.Diff([]string{"Login", "PullImage", "InspectImage"}, fake.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if !slices.Contains(u.out, "msg: Fetching ECR credentials...") {
		t.Errorf("ui %q", u.out)
	}
	if c := aws.Last(); !strings.Contains(c.Auth, "Credential=AKIDENV/") || !strings.Contains(c.Auth, "/us-west-2/ecr/") {
		t.Errorf("ECR call %+v", c)
	}

	// ECR's refusal stops the build before the pull.
	awstest.Serve(t, nil)
	state, fake, _ = testState(t, map[string]any{"pull": true, "ecr_login": true, "login_server": server})
	if a := (StepPull{}).Run(t.Context(), state); a != multistep.Halt || !strings.Contains(fmt.Sprint(multistep.Err(state)), "ecr login: get an ECR authorization token") {
		t.Fatalf("halted with %v", multistep.Err(state))
	}
	if slices.Contains(fake.Calls(), "PullImage") {
		t.Error("pulled without ECR credentials")
	}
}

func TestStepPullError(t *testing.T) {
	state, fake, _ := testState(t, map[string]any{"pull": true})
	boom := errors.New("registry unreachable")
	fake.PullImageFunc = func(context.Context, string, string, *RegistryAuth, func(string)) error { return boom }
	if a := (StepPull{}).Run(t.Context(), state); a != multistep.Halt || !errors.Is(multistep.Err(state), boom) {
		t.Fatalf("halted with %v", multistep.Err(state))
	}
	if _, ok := multistep.Get(state, KeyRunImage); ok {
		t.Error("run image recorded after a failed pull")
	}
}

func TestStepBuild(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var c Config
	if _, err := c.prepare(map[string]any{"discard": true, "build": map[string]any{
		"path": df, "build_dir": dir, "arguments": map[string]any{"A": "1"}, "pull": false,
	}}); err != nil {
		t.Fatal(err)
	}
	state, fake, _ := testState(t, nil)
	multistep.Put(state, KeyConfig, &c)
	var got BuildSpec
	fake.BuildImageFunc = func(_ context.Context, spec BuildSpec, _ func(string)) (string, error) {
		got = spec
		return "sha256:built", nil
	}
	if a := (StepBuild{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	if got.Dockerfile != df || got.ContextDir != dir || got.Pull || got.BuildArgs["A"] != "1" {
		t.Errorf("build spec = %+v", got)
	}
	if img := multistep.MustGet(state, KeyRunImage); img != "sha256:built" {
		t.Errorf("run image %q", img)
	}
	if g := generated(state); g["SourceImageDigest"] != "" || g["SourceImageSha256"] != "sha256:sha256:built" {
		t.Errorf("generated = %v", g)
	}
}

func TestStepRun(t *testing.T) {
	state, fake, u := testState(t, map[string]any{
		"volumes":    map[string]any{"/host/b": "/b", "/host/a": "/a"},
		"cap_add":    []any{"SYS_ADMIN"},
		"privileged": true,
		"tmpfs":      []any{"/run:size=1m"},
		"device":     []any{"/dev/fuse"},
	})
	multistep.Put(state, KeyTempDir, "/tmp/kiln-x")
	multistep.Put(state, KeyRunImage, "base:1")
	var spec ContainerSpec
	fake.CreateContainerFunc = func(_ context.Context, s ContainerSpec) (string, error) {
		spec = s
		return "cid", nil
	}
	s := StepRun{}
	if a := s.Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	want := ContainerSpec{
		Image: "base:1", Entrypoint: []string{"/bin/sh"}, EntrypointSet: true, Tty: true, OpenStdin: true,
		Binds:      []string{"/tmp/kiln-x:/packer-files", "/host/a:/a", "/host/b:/b"},
		Tmpfs:      map[string]string{"/run": "size=1m"},
		Devices:    []DeviceMapping{{"/dev/fuse", "/dev/fuse", "rwm"}},
		CapAdd:     []string{"SYS_ADMIN"},
		Privileged: true,
	}
	// A container to commit has no label (the image would inherit it),
	// but a name that tells it is kiln's.
	if !regexp.MustCompile(`^kiln-[0-9a-f]{8}$`).MatchString(spec.Name) {
		t.Errorf("container name %q, want kiln-<8 hex digits>", spec.Name)
	}
	spec.Name = ""
	if d := cmp.Diff(want, spec); d != "" {
		t.Errorf("container spec (-want +got):\n%s", d)
	}
	if id, _ := multistep.Get(state, commonsteps.KeyInstanceID); id != "cid" {
		t.Errorf("instance id %q", id)
	}
	// Packer's line, in its order, with the temporary folder's volume.
	const runLine = "msg: Run command: docker run --device /dev/fuse --cap-add SYS_ADMIN --privileged --tmpfs /run:size=1m " +
		"-v /tmp/kiln-x:/packer-files -v /host/a:/a -v /host/b:/b -d -i -t --entrypoint=/bin/sh -- base:1"
	if !strings.Contains(u.String(), runLine) {
		t.Errorf("ui:\n%s\nwant the line %q", u.String(), runLine)
	}
	s.Cleanup(state)
	if fake.Called("RemoveContainer") != 1 {
		t.Errorf("calls %v: want one RemoveContainer", fake.Calls())
	}
}

func TestStepRunLabelAndName(t *testing.T) {
	for _, tc := range []struct {
		raw       map[string]any
		wantLabel bool
		wantName  string
	}{
		{map[string]any{"commit": false, "discard": true, "packer_build_name": "web/app 1"}, true, `^kiln-web-app-1-[0-9a-f]{8}$`},
		{map[string]any{"commit": false, "export_path": "x.tar"}, true, `^kiln-[0-9a-f]{8}$`},
		{map[string]any{"packer_build_name": "c"}, false, `^kiln-c-[0-9a-f]{8}$`},
		{map[string]any{"run_command": []any{"-d", "-i", "-t", "--name", "mine", "{{.Image}}"}}, false, `^mine$`},
	} {
		state, fake, _ := testState(t, tc.raw)
		multistep.Put(state, KeyRunImage, "base:1")
		var spec ContainerSpec
		fake.CreateContainerFunc = func(_ context.Context, s ContainerSpec) (string, error) {
			spec = s
			return "cid", nil
		}
		if a := (StepRun{}).Run(t.Context(), state); a != multistep.Continue {
			t.Fatal(multistep.Err(state))
		}
		if _, ok := spec.Labels[LabelManaged]; ok != tc.wantLabel {
			t.Errorf("%v: labels %v, want the %s label: %v", tc.raw, spec.Labels, LabelManaged, tc.wantLabel)
		}
		if !regexp.MustCompile(tc.wantName).MatchString(spec.Name) {
			t.Errorf("%v: name %q, want %s", tc.raw, spec.Name, tc.wantName)
		}
	}
}

func TestStepRunStartFailureStillCleansUp(t *testing.T) {
	state, fake, _ := testState(t, nil)
	multistep.Put(state, KeyRunImage, "base:1")
	fake.StartContainerFunc = func(context.Context, string) error { return errors.New("no such runtime") }
	var removed string
	fake.RemoveContainerFunc = func(_ context.Context, id string) error { removed = id; return nil }
	s := StepRun{}
	if a := s.Run(t.Context(), state); a != multistep.Halt {
		t.Fatal("did not halt")
	}
	s.Cleanup(state)
	if removed != "container-1" {
		t.Errorf("removed %q, want the created container", removed)
	}
}

func TestStepConnect(t *testing.T) {
	state, fake, _ := testState(t, map[string]any{"exec_user": "42", "fix_upload_owner": true})
	multistep.Put(state, KeyContainerID, "cid")
	if a := (StepConnect{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	comm, _ := multistep.Get(state, commonsteps.KeyCommunicator)
	c, ok := comm.(*Communicator)
	if !ok || c.ContainerID != "cid" || c.ExecUser != "42" || !c.FixUploadOwner || c.Driver != Driver(fake) {
		t.Errorf("communicator = %#v", comm)
	}
	if ci, _ := multistep.Get(state, commonsteps.KeyConnInfo); ci.Type != "docker" {
		t.Errorf("conn type %q", ci.Type)
	}
}

func TestStepConnectContainerExited(t *testing.T) {
	state, fake, _ := testState(t, nil)
	multistep.Put(state, KeyContainerID, "cid")
	fake.InspectContainerFunc = func(_ context.Context, id string) (ContainerInfo, error) {
		return ContainerInfo{ID: id, Running: false}, nil
	}
	if a := (StepConnect{}).Run(t.Context(), state); a != multistep.Halt {
		t.Fatal("did not halt")
	}
	if err := multistep.Err(state); err == nil || !strings.Contains(err.Error(), "run_command must keep it running") {
		t.Errorf("err = %v", err)
	}
}

func TestStepConnectNone(t *testing.T) {
	state, fake, _ := testState(t, map[string]any{"communicator": "none"})
	if a := (StepConnect{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	if multistep.Has(state, commonsteps.KeyCommunicator) || len(fake.Calls()) != 0 {
		t.Errorf("communicator none: calls %v", fake.Calls())
	}
}

func TestStepSetDefaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes []any
		base    ImageInfo
		want    []string
	}{
		{"base defaults", []any{"ENV A=1"}, ImageInfo{Cmd: []string{"/bin/sh"}},
			[]string{"ENV A=1", `CMD ["/bin/sh"]`, `ENTRYPOINT [""]`}},
		{"user cmd kept", []any{`CMD ["run"]`}, ImageInfo{Cmd: []string{"/bin/sh"}, Entrypoint: []string{"/init"}},
			[]string{`CMD ["run"]`, `ENTRYPOINT ["/init"]`}},
		{"user entrypoint kept", []any{"entrypoint /x"}, ImageInfo{},
			[]string{"entrypoint /x", `CMD [""]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state, _, _ := testState(t, map[string]any{"changes": tc.changes})
			multistep.Put(state, KeySourceImage, tc.base)
			if a := (StepSetDefaults{}).Run(t.Context(), state); a != multistep.Continue {
				t.Fatal(multistep.Err(state))
			}
			if d := cmp.Diff(tc.want, multistep.MustGet(state, KeyCommitChanges)); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
			// The configuration itself is left alone.
			if cfg := multistep.MustGet(state, KeyConfig); len(cfg.Changes) != len(tc.changes) {
				t.Errorf("config changes modified: %v", cfg.Changes)
			}
		})
	}
}

func TestStepCommit(t *testing.T) {
	state, fake, _ := testState(t, map[string]any{"author": "me", "message": "msg"})
	multistep.Put(state, KeyContainerID, "cid")
	multistep.Put(state, KeyCommitChanges, []string{"ENV A=1"})
	var got CommitSpec
	fake.CommitFunc = func(_ context.Context, id string, spec CommitSpec) (string, error) {
		got = spec
		return "sha256:new", nil
	}
	if a := (StepCommit{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	want := CommitSpec{Author: "me", Message: "msg", Changes: []string{"ENV A=1"}, Pause: true}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("commit spec (-want +got):\n%s", d)
	}
	if id := multistep.MustGet(state, KeyImageID); id != "sha256:new" || generated(state)["ImageSha256"] != "sha256:new" {
		t.Errorf("image id %q, generated %v", id, generated(state))
	}
}

func TestStepCommitError(t *testing.T) {
	state, fake, _ := testState(t, nil)
	multistep.Put(state, KeyContainerID, "cid")
	fake.CommitFunc = func(context.Context, string, CommitSpec) (string, error) { return "", errors.New("disk full") }
	if a := (StepCommit{}).Run(t.Context(), state); a != multistep.Halt {
		t.Fatal("did not halt")
	}
	if multistep.Has(state, KeyImageID) {
		t.Error("image id recorded after a failed commit")
	}
}

func TestStepExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "image.tar")
	state, fake, _ := testState(t, map[string]any{"commit": false, "export_path": path})
	multistep.Put(state, KeyContainerID, "cid")
	fake.ExportFunc = func(_ context.Context, id string, w io.Writer) error {
		_, err := io.WriteString(w, "tar bytes")
		return err
	}
	if a := (StepExport{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "tar bytes" {
		t.Errorf("export file = %q, %v", b, err)
	}
	// A failed export leaves no file.
	fake.ExportFunc = func(_ context.Context, _ string, w io.Writer) error {
		_, _ = io.WriteString(w, "partial")
		return errors.New("broken pipe")
	}
	if a := (StepExport{}).Run(t.Context(), state); a != multistep.Halt {
		t.Fatal("did not halt")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial export left behind: %v", err)
	}
}

// On a terminal the export shows a progress bar that counts every byte.
func TestStepExportProgress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "image.tar")
	state, fake, _ := testState(t, map[string]any{"commit": false, "export_path": path})
	multistep.Put(state, KeyContainerID, "cid")
	var screen bytes.Buffer
	multistep.Put(state, commonsteps.KeyUi, sdk.Ui(kilnui.NewBasic(kilnui.BasicOptions{Out: &screen, Progress: true})))
	fake.ExportFunc = func(_ context.Context, id string, w io.Writer) error {
		_, err := w.Write(make([]byte, 2<<20))
		return err
	}
	if a := (StepExport{}).Run(t.Context(), state); a != multistep.Continue {
		t.Fatal(multistep.Err(state))
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 2<<20 {
		t.Fatalf("export file: %v", err)
	}
	if !strings.Contains(screen.String(), "image.tar") || !strings.Contains(screen.String(), "2.0 MiB") {
		t.Errorf("no progress for the export in %q", screen.String())
	}
}

// The builder removes its container whatever step fails, and after
// cancellation.
func TestBuilderRunCleansUpOnFailureAndCancel(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(f *FakeDriver, cancel context.CancelFunc)
		hook   func(cancel context.CancelFunc) error
		wantIs error
	}{
		{name: "commit fails", setup: func(f *FakeDriver, _ context.CancelFunc) {
			f.CommitFunc = func(context.Context, string, CommitSpec) (string, error) { return "", errors.New("commit failed") }
		}},
		{name: "provisioner fails", hook: func(context.CancelFunc) error { return errors.New("provisioner failed") }},
		{name: "cancelled while provisioning", hook: func(cancel context.CancelFunc) error {
			cancel()
			return context.Canceled
		}, wantIs: context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			fake := &FakeDriver{}
			if tc.setup != nil {
				tc.setup(fake, cancel)
			}
			b := &Builder{Driver: fake}
			if _, _, err := b.Prepare(map[string]any{"image": "base:1", "commit": true, "pull": false}); err != nil {
				t.Fatal(err)
			}
			hook := sdk.HookFunc(func(context.Context, string, sdk.Ui, sdk.Communicator, any) error {
				if tc.hook != nil {
					return tc.hook(cancel)
				}
				return nil
			})
			art, err := b.Run(ctx, &recordingUi{}, hook)
			if err == nil || art != nil {
				t.Fatalf("Run = %v, %v; want an error", art, err)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("err = %v, want %v", err, tc.wantIs)
			}
			if fake.Called("RemoveContainer") != 1 {
				t.Errorf("calls %v: the container was not removed", fake.Calls())
			}
		})
	}
}

func TestBuilderRunArtifacts(t *testing.T) {
	for _, tc := range []struct {
		raw       map[string]any
		builderID string
		id        string
		files     []string
		str       string
		lastCall  string
	}{
		{map[string]any{"commit": true}, BuilderIdImport, "sha256:committed", nil, "Imported Docker image: sha256:committed", "RemoveContainer"},
		{map[string]any{"discard": true}, BuilderId, "Container", []string{""}, "Exported Docker file: ", "RemoveContainer"},
	} {
		fake := &FakeDriver{}
		b := &Builder{Driver: fake}
		raw := map[string]any{"image": "base:1", "pull": false}
		for k, v := range tc.raw {
			raw[k] = v
		}
		if _, _, err := b.Prepare(raw); err != nil {
			t.Fatal(err)
		}
		noop := sdk.HookFunc(func(context.Context, string, sdk.Ui, sdk.Communicator, any) error { return nil })
		art, err := b.Run(t.Context(), &recordingUi{}, noop)
		if err != nil {
			t.Fatal(err)
		}
		if art.BuilderId() != tc.builderID || art.Id() != tc.id || !slices.Equal(art.Files(), tc.files) || art.String() != tc.str {
			t.Errorf("%v: artifact %q %q %q %q", tc.raw, art.BuilderId(), art.Id(), art.Files(), art.String())
		}
		if calls := fake.Calls(); calls[len(calls)-1] != tc.lastCall || slices.Contains(calls, "Commit") != (tc.builderID == BuilderIdImport) {
			t.Errorf("%v: calls %v", tc.raw, calls)
		}
		if g, _ := art.State(sdk.StateGeneratedData).(map[string]any); g["ID"] != "container-1" {
			t.Errorf("generated data %v", g)
		}
	}
}
