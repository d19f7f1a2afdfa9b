package file

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

func build(t *testing.T, cfg map[string]any, hook sdk.Hook) (sdk.Artifact, *ui.Recorder) {
	t.Helper()
	b := &Builder{}
	if _, _, err := b.Prepare(cfg); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	rec := &ui.Recorder{}
	art, err := b.Run(t.Context(), rec, hook)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return art, rec
}

func TestContent(t *testing.T) {
	target := filepath.Join(t.TempDir(), "a", "b", "out.txt")
	var comm sdk.Communicator
	hook := sdk.HookFunc(func(ctx context.Context, name string, _ sdk.Ui, c sdk.Communicator, data any) error {
		comm = c
		if data != nil {
			t.Errorf("hook data = %v, want nil", data)
		}
		cmd := &sdk.RemoteCmd{Command: "rm -rf /"}
		if err := c.Start(ctx, cmd); err != nil || cmd.Wait() != 0 {
			t.Errorf("no-op communicator: %v", err)
		}
		return nil
	})
	art, _ := build(t, map[string]any{"target": target, "content": "hello"}, hook)
	if comm == nil {
		t.Error("provision hook not run")
	}
	b, err := os.ReadFile(target)
	if err != nil || string(b) != "hello" {
		t.Fatalf("target: %q %v", b, err)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if art.BuilderId() != "packer.file" || art.Id() != "File" || art.String() != "Stored file: "+target ||
		!slices.Equal(art.Files(), []string{target}) {
		t.Errorf("artifact: %q %q %q %v", art.BuilderId(), art.Id(), art.String(), art.Files())
	}
	if err := art.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("Destroy left the file: %v", err)
	}
}

func TestSourceTruncates(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("new"), 0o644)
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("old and longer"), 0o644)
	_, rec := build(t, map[string]any{"target": target, "source": src}, nil)
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target = %q", b)
	}
	want := []string{"Copying " + src + " to " + target, "Copied 3 bytes"}
	if got := rec.Says(); !slices.Equal(got, want) {
		t.Errorf("says = %q, want %q", got, want)
	}
}

func TestPrepare(t *testing.T) {
	if _, _, err := (&Builder{}).Prepare(map[string]any{"content": "x"}); err == nil || !strings.Contains(err.Error(), "target required") {
		t.Errorf("no target: %v", err)
	}
	if _, _, err := (&Builder{}).Prepare(map[string]any{"target": "t", "content": "x", "source": "s"}); err == nil || !strings.Contains(err.Error(), "cannot specify source file AND content") {
		t.Errorf("source and content: %v", err)
	}
	_, warns, err := (&Builder{}).Prepare(map[string]any{"target": "t"})
	if err != nil || !slices.Equal(warns, []string{"Both source file and contents are blank; target will have no content"}) {
		t.Errorf("blank: %v %q", err, warns)
	}
}
