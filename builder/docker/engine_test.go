package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
)

// testImage is the local base image scripts/build-test-images.sh builds.
const testImage = "kiln-test/busybox:latest"

// engine returns the Engine API driver, skipping the test without an
// engine (failing in CI) or without the test image.
func engine(t testing.TB) *EngineDriver {
	t.Helper()
	testenv.RequireDocker(t)
	d, err := NewEngineDriver()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.InspectImage(context.Background(), testImage); err != nil {
		if testenv.InCI() {
			t.Fatalf("%s missing in CI: %v (scripts/build-test-images.sh builds it)", testImage, err)
		}
		testenv.SkipUnprepared(t, "%s missing: run scripts/build-test-images.sh (%v)", testImage, err)
	}
	return d
}

// removeImageAtEnd removes the image ref when the test ends.
func removeImageAtEnd(t testing.TB, d Driver, ref string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := d.RemoveImage(ctx, ref, true); err != nil && !IsNotFound(err) {
			t.Errorf("remove image %s: %v", ref, err)
		}
	})
}

// startContainer runs the test image as the builder does and returns a
// communicator for it; the container is removed when the test ends.
func startContainer(t testing.TB, d *EngineDriver, extra ...string) *Communicator {
	t.Helper()
	ctx := context.Background()
	args := append(slices.Clone(extra), DefaultRunCommand[:len(DefaultRunCommand)-1]...)
	spec, err := parseRunCommand(append(args, testImage))
	if err != nil {
		t.Fatal(err)
	}
	spec.Labels = map[string]string{LabelManaged: t.Name()}
	id, err := d.CreateContainer(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.RemoveContainer(context.Background(), id); err != nil {
			t.Errorf("remove container: %v", err)
		}
	})
	if err := d.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	return &Communicator{Driver: d, ContainerID: id}
}

// run runs cmd through the communicator and returns stdout, stderr and
// the exit status.
func run(t testing.TB, c sdk.Communicator, cmd string, stdin io.Reader) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	rc := &sdk.RemoteCmd{Command: cmd, Stdin: stdin, Stdout: &out, Stderr: &errb}
	if err := c.Start(t.Context(), rc); err != nil {
		t.Fatalf("Start(%q): %v", cmd, err)
	}
	code := rc.Wait()
	return out.String(), errb.String(), code
}

type recordingUi struct {
	mu  sync.Mutex
	out []string
}

func (u *recordingUi) add(s string)               { u.mu.Lock(); defer u.mu.Unlock(); u.out = append(u.out, s) }
func (u *recordingUi) Ask(string) (string, error) { return "", io.EOF }
func (u *recordingUi) Say(s string)               { u.add("say: " + s) }
func (u *recordingUi) Message(s string)           { u.add("msg: " + s) }
func (u *recordingUi) Error(s string)             { u.add("err: " + s) }
func (u *recordingUi) Machine(string, ...string)  {}
func (u *recordingUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser {
	return s
}
func (u *recordingUi) String() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return strings.Join(u.out, "\n")
}

func TestEngineExecStreamsAndExitCodes(t *testing.T) {
	d := engine(t)
	c := startContainer(t, d)
	out, errOut, code := run(t, c, "echo out; echo err >&2; exit 3", nil)
	if out != "out\n" || errOut != "err\n" || code != 3 {
		t.Errorf("got stdout %q, stderr %q, status %d; want \"out\\n\", \"err\\n\", 3", out, errOut, code)
	}
	out, _, code = run(t, c, "cat; echo done", strings.NewReader("from stdin\n"))
	if out != "from stdin\ndone\n" || code != 0 {
		t.Errorf("stdin: got %q, status %d", out, code)
	}
	// Commands may run at the same time, each with its own result.
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			out, _, code := run(t, c, fmt.Sprintf("sleep 0.1; echo %d; exit %d", i, i), nil)
			if out != fmt.Sprintf("%d\n", i) || code != i {
				t.Errorf("concurrent command %d: got %q, status %d", i, out, code)
			}
		})
	}
	wg.Wait()
}

func TestEngineUploadDownload(t *testing.T) {
	d := engine(t)
	c := startContainer(t, d)
	ctx := t.Context()
	data := bytes.Repeat([]byte("kiln\n"), 100000)
	src := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(src, data, 0o640); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(src)
	defer f.Close()
	fi, _ := f.Stat()
	if err := c.Upload(ctx, "/tmp/up", f, fi); err != nil {
		t.Fatal(err)
	}
	out, _, _ := run(t, c, "stat -c '%a %u %s' /tmp/up", nil)
	if want := fmt.Sprintf("640 0 %d\n", len(data)); out != want {
		t.Errorf("uploaded file: %q, want %q", out, want)
	}
	// A reader without FileInfo (size unknown).
	if err := c.Upload(ctx, "rel", strings.NewReader("hello"), nil); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := c.Download(ctx, "/rel", &got); err != nil || got.String() != "hello" {
		t.Errorf("download /rel = %q, %v", got.String(), err)
	}
	got.Reset()
	if err := c.Download(ctx, "/tmp/up", &got); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Errorf("download /tmp/up: %d bytes, %v; want %d bytes", got.Len(), err, len(data))
	}
	if err := c.Download(ctx, "/tmp/missing", io.Discard); err == nil {
		t.Error("download of a missing file succeeded")
	}
	if err := c.Download(ctx, "/etc", io.Discard); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("download of a directory: %v", err)
	}
}

func TestEngineUploadDirSemantics(t *testing.T) {
	d := engine(t)
	c := startContainer(t, d)
	ctx := t.Context()
	src := filepath.Join(t.TempDir(), "cakes")
	for _, p := range []string{"a", "sub/b", "skip.log"} {
		full := filepath.Join(src, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, dst, find string }{
		// Into an existing directory: the directory itself.
		{src, "/tmp", "/tmp/cakes/a /tmp/cakes/link /tmp/cakes/sub/b"},
		// To a new path: it becomes the directory.
		{src, "/tmp/new", "/tmp/new/a /tmp/new/link /tmp/new/sub/b"},
		// Trailing slash: the contents.
		{src + "/", "/opt", "/opt/a /opt/link /opt/sub/b"},
	} {
		if err := c.UploadDir(ctx, tc.dst, tc.src, []string{"*.log"}); err != nil {
			t.Fatalf("UploadDir(%s, %s): %v", tc.dst, tc.src, err)
		}
		root := strings.Fields(tc.find)[0]
		root = root[:strings.LastIndex(root, "/")]
		out, _, _ := run(t, c, "find "+root+" -type f -o -type l | sort | tr '\\n' ' '", nil)
		if strings.TrimSpace(out) != tc.find {
			t.Errorf("UploadDir(%s, %s): found %q, want %q", tc.dst, tc.src, out, tc.find)
		}
	}
	// And back, with DownloadDir.
	dst := filepath.Join(t.TempDir(), "back")
	if err := c.DownloadDir(ctx, "/tmp/new/", dst, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dst, "sub", "b"))
	if err != nil || string(b) != "sub/b" {
		t.Errorf("downloaded sub/b = %q, %v", b, err)
	}
	if l, err := os.Readlink(filepath.Join(dst, "link")); err != nil || l != "a" {
		t.Errorf("downloaded link -> %q, %v", l, err)
	}
}

// TestEngineDownloadDirRule checks DownloadDir's rule, the one kiln's
// other communicators follow: "dir" lands as dst/dir, "dir/" copies the
// contents, a glob copies every match (files too) into dst.
func TestEngineDownloadDirRule(t *testing.T) {
	d := engine(t)
	c := startContainer(t, d)
	ctx := t.Context()
	if _, _, code := run(t, c, "mkdir -p /srv/d/sub && echo a > /srv/d/a.txt && echo b > /srv/d/sub/b.txt && echo h > /srv/d/.hidden && "+
		"echo x > /srv/x.log && echo y > /srv/y.log && ln -s d /srv/link", nil); code != 0 {
		t.Fatal("setup failed")
	}
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"/srv/d", []string{"d/", "d/.hidden", "d/a.txt", "d/sub/", "d/sub/b.txt"}},
		{"/srv/d/", []string{".hidden", "a.txt", "sub/", "sub/b.txt"}},
		{"/srv/link/", []string{".hidden", "a.txt", "sub/", "sub/b.txt"}},
		{"/srv/*.log", []string{"x.log", "y.log"}},
		{"/srv/d/*", []string{".hidden", "a.txt", "sub/", "sub/b.txt"}},
		{"/s?v/[d]/sub", []string{"sub/", "sub/b.txt"}},
	} {
		dst := filepath.Join(t.TempDir(), "out")
		if err := c.DownloadDir(ctx, tc.src, dst, nil); err != nil {
			t.Errorf("DownloadDir(%s): %v", tc.src, err)
			continue
		}
		var got []string
		_ = filepath.WalkDir(dst, func(p string, de fs.DirEntry, err error) error {
			if rel, _ := filepath.Rel(dst, p); err == nil && rel != "." {
				if de.IsDir() {
					rel += "/"
				}
				got = append(got, filepath.ToSlash(rel))
			}
			return nil
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("DownloadDir(%s): got %q, want %q", tc.src, got, tc.want)
		}
	}
	if err := c.DownloadDir(ctx, "/srv/*.none", t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "no file matches") {
		t.Errorf("glob without match: %v", err)
	}
}

func TestEngineFixUploadOwner(t *testing.T) {
	d := engine(t)
	c := startContainer(t, d, "-u", "42")
	c.FixUploadOwner = true
	ctx := t.Context()
	if err := c.Upload(ctx, "/tmp/owned", strings.NewReader("x"), nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.UploadDir(ctx, "/tmp/d", dir, nil); err != nil {
		t.Fatal(err)
	}
	out, _, _ := run(t, c, "stat -c %u /tmp/owned /tmp/d /tmp/d/f; stat -c %u /tmp", nil)
	if out != "42\n42\n42\n0\n" {
		t.Errorf("owners = %q, want 42 for the uploads and 0 for /tmp", out)
	}
	// Without the fix, uploads belong to root, as with docker cp.
	c2 := startContainer(t, d, "-u", "42")
	if err := c2.Upload(ctx, "/tmp/root", strings.NewReader("x"), nil); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run(t, c2, "stat -c %u /tmp/root", nil); out != "0\n" {
		t.Errorf("owner without fix_upload_owner = %q, want 0", out)
	}
}

// TestBuilderCommitEndToEnd prepares the builder from a configuration map
// (as a JSON template gives it), runs it against the engine with a hook
// that uploads, runs and downloads through the communicator, and checks
// the committed image.
func TestBuilderCommitEndToEnd(t *testing.T) {
	d := engine(t)
	b := &Builder{Driver: d}
	vars, warns, err := b.Prepare(map[string]any{
		"image":   testImage,
		"pull":    false,
		"commit":  true,
		"changes": []any{"ENV KILN=yes", "LABEL org.example.built-by=kiln", "WORKDIR /srv"},
		"author":  "kiln test",
		"message": "built by TestBuilderCommitEndToEnd",
	})
	if err != nil || len(warns) > 0 {
		t.Fatalf("Prepare: %v %v", err, warns)
	}
	if !slices.Contains(vars, "ImageSha256") || !slices.Contains(vars, "SourceImageDigest") {
		t.Errorf("generated vars = %v", vars)
	}
	src := filepath.Join(t.TempDir(), "payload")
	if err := os.WriteFile(src, []byte("payload\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var hookData map[string]any
	hook := sdk.HookFunc(func(ctx context.Context, name string, ui sdk.Ui, comm sdk.Communicator, data any) error {
		if name != sdk.HookProvision {
			return fmt.Errorf("hook %q", name)
		}
		hookData, _ = data.(map[string]any)
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		fi, _ := f.Stat()
		if err := comm.Upload(ctx, "/payload", f, fi); err != nil {
			return err
		}
		rc := &sdk.RemoteCmd{Command: "tr a-z A-Z < /payload > /payload.up && touch /built"}
		if err := rc.RunWithUi(ctx, comm, ui); err != nil {
			return err
		}
		if rc.ExitStatus() != 0 {
			return fmt.Errorf("command exited %d", rc.ExitStatus())
		}
		var out bytes.Buffer
		if err := comm.Download(ctx, "/payload.up", &out); err != nil {
			return err
		}
		if out.String() != "PAYLOAD\n" {
			return fmt.Errorf("downloaded %q", out.String())
		}
		return nil
	})
	ui := &recordingUi{}
	art, err := b.Run(t.Context(), ui, hook)
	if err != nil {
		t.Fatalf("Run: %v\nui:\n%s", err, ui)
	}
	removeImageAtEnd(t, d, art.Id())

	if art.BuilderId() != BuilderIdImport || !strings.HasPrefix(art.Id(), "sha256:") {
		t.Errorf("artifact %s / %s", art.BuilderId(), art.Id())
	}
	if hookData["ConnType"] != "docker" || hookData["ID"] == "" || hookData["ID"] == sdk.NotImplementedID {
		t.Errorf("hook data = %v", hookData)
	}
	src0, _ := d.InspectImage(t.Context(), testImage)
	gen, _ := art.State(sdk.StateGeneratedData).(map[string]any)
	if gen["ImageSha256"] != art.Id() || gen["SourceImageSha256"] != src0.ID {
		t.Errorf("generated data = %v", gen)
	}
	md, _ := art.State(sdk.StateImageMetadata).([]sdk.ImageMetadata)
	if len(md) != 1 || md[0].ImageID != art.Id() || md[0].ProviderName != "docker" || md[0].SourceImageID != src0.ID {
		t.Errorf("image metadata = %+v", md)
	}

	info, err := d.InspectImage(t.Context(), art.Id())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(info.Env, "KILN=yes") || info.Labels["org.example.built-by"] != "kiln" || info.WorkingDir != "/srv" {
		t.Errorf("changes not applied: env %v labels %v workdir %q", info.Env, info.Labels, info.WorkingDir)
	}
	if info.Author != "kiln test" || info.Comment != "built by TestBuilderCommitEndToEnd" {
		t.Errorf("author %q, comment %q", info.Author, info.Comment)
	}
	// The run's --entrypoint=/bin/sh does not leak: CMD and ENTRYPOINT
	// are the base image's.
	if !slices.Equal(info.Cmd, src0.Cmd) || len(info.Entrypoint) > 1 || len(info.Entrypoint) == 1 && info.Entrypoint[0] != "" {
		t.Errorf("cmd %q entrypoint %q; base cmd %q", info.Cmd, info.Entrypoint, src0.Cmd)
	}
	// The provisioning is in the image.
	out, _, code := run(t, startFrom(t, d, art.Id()), "cat /payload.up && test -f /built", nil)
	if out != "PAYLOAD\n" || code != 0 {
		t.Errorf("in the image: %q, status %d", out, code)
	}
	// No container is left behind.
	if id, _ := hookData["ID"].(string); id != "" {
		if _, err := d.InspectContainer(t.Context(), id); !IsNotFound(err) {
			t.Errorf("container %s still there: %v", id, err)
		}
	}
}

// startFrom starts a container from image with the default run command.
func startFrom(t testing.TB, d *EngineDriver, image string) *Communicator {
	t.Helper()
	spec, err := parseRunCommand(append(slices.Clone(DefaultRunCommand[:len(DefaultRunCommand)-1]), image))
	if err != nil {
		t.Fatal(err)
	}
	id, err := d.CreateContainer(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.RemoveContainer(context.Background(), id) })
	if err := d.StartContainer(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	return &Communicator{Driver: d, ContainerID: id}
}
