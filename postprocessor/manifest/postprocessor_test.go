package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

type artifact struct {
	id    string
	files []string
	data  map[string]any
}

func (a *artifact) BuilderId() string { return "test" }
func (a *artifact) Files() []string   { return a.files }
func (a *artifact) Id() string        { return a.id }
func (a *artifact) String() string    { return a.id }
func (a *artifact) State(name string) any {
	if name == sdk.StateGeneratedData {
		return a.data
	}
	return nil
}
func (a *artifact) Destroy() error { return nil }

func run(t *testing.T, cfg map[string]any, in sdk.Artifact) {
	t.Helper()
	p := &PostProcessor{}
	if err := p.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	out, keep, force, err := p.PostProcess(t.Context(), &ui.Recorder{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if out != in || !keep || !force {
		t.Fatalf("PostProcess = (%v, %v, %v), want the input artifact, true, true", out, keep, force)
	}
}

func read(t *testing.T, path string) (Manifest, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	var raw map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &raw)
	return m, raw
}

func TestAppendAndLastRunUUID(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.json")
	file := filepath.Join(dir, "disk.img")
	os.WriteFile(file, []byte("12345"), 0o644)

	t.Setenv("PACKER_RUN_UUID", "run-1")
	run(t, map[string]any{"output": out, "packer_build_name": "a", "packer_builder_type": "null",
		"custom_data": map[string]any{"id": "{{ .ID }}"}}, &artifact{id: "Null", files: []string{file}, data: map[string]any{"ID": "x1"}})
	run(t, map[string]any{"output": out, "packer_build_name": "b", "packer_builder_type": "file", "strip_path": true, "strip_time": true},
		&artifact{id: "File", files: []string{file}})

	m, raw := read(t, out)
	if len(m.Builds) != 2 || m.LastRunUUID != "run-1" {
		t.Fatalf("manifest = %+v", m)
	}
	a, b := m.Builds[0], m.Builds[1]
	if a.BuildName != "a" || a.BuilderType != "null" || a.ArtifactID != "Null" || a.PackerRunUUID != "run-1" ||
		a.BuildTime == 0 || len(a.Files) != 1 || a.Files[0] != (File{Name: file, Size: 5}) || a.CustomData["id"] != "x1" {
		t.Errorf("first build = %+v", a)
	}
	if b.Files[0].Name != "disk.img" || b.BuildTime != 0 || b.CustomData != nil {
		t.Errorf("second build = %+v", b)
	}
	// strip_time leaves build_time out; custom_data unset is null.
	builds := raw["builds"].([]any)
	second := builds[1].(map[string]any)
	if _, ok := second["build_time"]; ok {
		t.Error("build_time present with strip_time")
	}
	if v, ok := second["custom_data"]; !ok || v != nil {
		t.Errorf("custom_data = %v, %v; want null", v, ok)
	}

	// Another run appends and updates last_run_uuid; without -force the
	// old builds stay.
	t.Setenv("PACKER_RUN_UUID", "run-2")
	run(t, map[string]any{"output": out}, &artifact{id: "z"})
	m, raw = read(t, out)
	if len(m.Builds) != 3 || m.LastRunUUID != "run-2" {
		t.Fatalf("after run-2: %d builds, last_run_uuid %q", len(m.Builds), m.LastRunUUID)
	}
	if v := raw["builds"].([]any)[2].(map[string]any)["files"]; v != nil {
		t.Errorf("files of an artifact without files = %v, want null", v)
	}

	// With -force in the same run, builds accumulate; in a new run the
	// manifest starts again.
	run(t, map[string]any{"output": out, "packer_force": true}, &artifact{id: "same-run"})
	if m, _ = read(t, out); len(m.Builds) != 4 {
		t.Errorf("force, same run: %d builds, want 4", len(m.Builds))
	}
	t.Setenv("PACKER_RUN_UUID", "run-3")
	run(t, map[string]any{"output": out, "packer_force": true}, &artifact{id: "new-run"})
	if m, _ = read(t, out); len(m.Builds) != 1 || m.Builds[0].ArtifactID != "new-run" || m.LastRunUUID != "run-3" {
		t.Errorf("force, new run: %+v", m)
	}
	if _, err := os.Stat(out + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock file left behind: %v", err)
	}
}

func TestDefaultsAndBadFile(t *testing.T) {
	p := &PostProcessor{}
	if err := p.Configure(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if p.config.OutputPath != "packer-manifest.json" {
		t.Errorf("default output = %q", p.config.OutputPath)
	}
	out := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(out, []byte("not json"), 0o644)
	p = &PostProcessor{}
	p.Configure(map[string]any{"output": out})
	if _, _, _, err := p.PostProcess(t.Context(), &ui.Recorder{}, &artifact{}); err == nil {
		t.Error("a corrupt manifest was accepted")
	}
}
