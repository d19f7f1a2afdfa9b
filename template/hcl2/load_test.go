package hcl2_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/core"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
	"github.com/kilnbuild/kiln/ui"
)

// writeFiles writes files (name → content) into a new temporary folder
// and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// env makes a Getenv from a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func load(t *testing.T, path string, opts template.Options) (*template.Template, hcl.Diagnostics, *recorder) {
	t.Helper()
	rec := &recorder{}
	opts.Registry = rec.registry()
	if opts.Getenv == nil {
		opts.Getenv = env(nil)
	}
	tpl, diags := hcl2.Load(context.Background(), path, opts)
	return tpl, diags, rec
}

// mustLoad loads and fails the test on any error diagnostic.
func mustLoad(t *testing.T, path string, opts template.Options) (*template.Template, hcl.Diagnostics, *recorder) {
	t.Helper()
	tpl, diags, rec := load(t, path, opts)
	if diags.HasErrors() {
		t.Fatalf("load: %s", diags.Error())
	}
	return tpl, diags, rec
}

func summaries(diags hcl.Diagnostics, sev hcl.DiagnosticSeverity) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == sev {
			out = append(out, d.Summary)
		}
	}
	return out
}

const fullTemplate = `
variable "image" {
  type    = string
  default = "busybox"
}

variable "password" {
  type      = string
  default   = "s3cr3t-value"
  sensitive = true
}

locals {
  tag   = "${local.base}-1"
  base  = upper(var.image)
}

source "docker" "box" {
  image   = var.image
  commit  = true
  changes = ["LABEL name=${source.name}", "LABEL type=${source.type}"]
}

build {
  name = "main"

  source "source.docker.box" {
    name = "renamed"
  }
  sources = ["docker.box"]

  provisioner "shell" {
    inline = ["echo ${build.ID} ${build.name} ${source.name}", "echo ${local.tag}"]
    only   = ["docker.box"]
  }

  provisioner "shell" {
    name   = "second"
    inline = ["default"]
    override = {
      renamed = { inline = ["overridden"] }
    }
    pause_before = "2s"
    max_retries  = 3
    timeout      = "5m"
  }

  post-processor "manifest" {
    output = "${build.ImageSha256}.json"
  }
  post-processors {
    post-processor "docker-tag" {
      name   = "tagger"
      output = "x"
    }
    post-processor "manifest" {
      keep_input_artifact = true
      output = "y"
    }
  }
}
`

func TestLoadBuilds(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": fullTemplate})
	tpl, _, rec := mustLoad(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{Debug: true, OnError: "abort"})

	var names []string
	for _, b := range tpl.Builds {
		names = append(names, b.Name+"|"+b.Type+"|"+b.SourceName)
	}
	// Packer puts the sources attribute's builds before in-build source
	// blocks.
	want := []string{"main.docker.box|docker|box", "main.docker.renamed|docker|box"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("builds (-want +got):\n%s", diff)
	}

	b0 := rec.builders[1].cfg
	if b0.Image != "busybox" || !b0.Commit || b0.PackerBuildName != "box" || b0.PackerBuilderType != "docker" ||
		!b0.PackerDebug || b0.PackerOnError != "abort" || b0.PackerCoreVersion == "" {
		t.Errorf("builder config: %+v", b0)
	}
	if diff := cmp.Diff([]string{"LABEL name=renamed", "LABEL type=docker"}, b0.Changes); diff != "" {
		t.Errorf("source.* in the source body (-want +got):\n%s", diff)
	}

	// The renamed source is not "docker.box": the first provisioner's
	// only leaves it out.
	plain, renamed := tpl.Builds[0], tpl.Builds[1]
	if got := len(renamed.Provisioners); got != 1 {
		t.Fatalf("renamed build: %d provisioners, want 1", got)
	}
	if got := len(plain.Provisioners); got != 2 {
		t.Fatalf("plain build: %d provisioners, want 2", got)
	}
	second := renamed.Provisioners[0]
	if second.Name != "second" || second.PauseBefore.String() != "2s" || second.MaxRetries != 3 || second.Timeout.String() != "5m0s" {
		t.Errorf("provisioner settings: %+v", second)
	}

	// Override is keyed by the source's name in the build.
	p, err := second.Configure(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.(*fakeShell).cfg.Inline; !cmp.Equal(got, []string{"overridden"}) {
		t.Errorf("override: inline = %q", got)
	}
	p, err = plain.Provisioners[1].Configure(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.(*fakeShell).cfg.Inline; !cmp.Equal(got, []string{"default"}) {
		t.Errorf("no override: inline = %q", got)
	}

	// build.* is "<unknown>" while preparing, the generated data at run time.
	first := plain.Provisioners[0]
	prepared := rec.shells[0].cfg
	if diff := cmp.Diff([]string{"echo <unknown> main box", "echo BUSYBOX-1"}, prepared.Inline); diff != "" {
		t.Errorf("prepared inline (-want +got):\n%s", diff)
	}
	if prepared.PackerBuildName != "box" || len(prepared.PackerSensitiveVars) != 1 {
		t.Errorf("provisioner packer config: %+v", prepared.PackerConfig)
	}
	p, err = first.Configure(map[string]any{"ID": "c0ffee"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"echo c0ffee main box", "echo BUSYBOX-1"}, p.(*fakeShell).cfg.Inline); diff != "" {
		t.Errorf("configured inline (-want +got):\n%s", diff)
	}

	// Post-processor chains.
	if got := len(plain.PostProcessors); got != 2 {
		t.Fatalf("%d chains, want 2", got)
	}
	chain := plain.PostProcessors[1]
	if len(chain) != 2 || chain[0].Name != "tagger" || chain[0].Type != "docker-tag" || chain[1].KeepInputArtifact == nil || !*chain[1].KeepInputArtifact {
		t.Errorf("chain: %+v %+v", chain[0], chain[1])
	}
	pp, err := plain.PostProcessors[0][0].Configure(map[string]any{"ImageSha256": "sha256:1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := pp.(*fakePP).cfg.Output; got != "sha256:1.json" {
		t.Errorf("post-processor output = %q", got)
	}

	// Sensitive values are scrubbed from output.
	if got := ui.DefaultScrubber.Scrub("pw=s3cr3t-value"); strings.Contains(got, "s3cr3t") {
		t.Errorf("sensitive variable not scrubbed: %q", got)
	}

	if tpl.Files[filepath.Join(dir, "t.pkr.hcl")] == nil {
		t.Errorf("Files lacks the template: %v", tpl.Files)
	}
}

func TestConfigureError(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": `
source "docker" "a" { image = "x" }
build {
  sources = ["docker.a"]
  provisioner "shell" {
    inline = [build.Missing == "<unknown>" ? "x" : "y"]
  }
}
`})
	tpl, diags, _ := load(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	if !diags.HasErrors() {
		t.Fatalf("build.Missing: no error (builds %d)", len(tpl.Builds))
	}
	if got := diags[0].Summary; got != `Failed preparing provisioner-block "shell" ""` {
		t.Errorf("summary %q", got)
	}
	if diags[0].Subject == nil || diags[0].Subject.Start.Line != 6 {
		t.Errorf("not located at line 6: %v", diags[0].Subject)
	}
}

func TestSelection(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": `
source "docker" "a" { image = "x" }
source "null" "b" { image = "x" }
build {
  sources = ["docker.a", "null.b"]
  post-processors {
    post-processor "manifest" { name = "first" }
    post-processor "docker-tag" {}
  }
}
build {
  name    = "named"
  sources = ["docker.a"]
}
`})
	path := filepath.Join(dir, "t.pkr.hcl")
	tests := []struct {
		only, except []string
		want         []string
		warn         string
	}{
		{want: []string{"docker.a", "null.b", "named.docker.a"}},
		{only: []string{"docker.*"}, want: []string{"docker.a"}},
		{only: []string{"*.a"}, want: []string{"docker.a", "named.docker.a"}},
		{only: []string{"named.*"}, want: []string{"named.docker.a"}},
		{except: []string{"docker.*"}, want: []string{"null.b", "named.docker.a"}},
		{only: []string{"nothing.*"}, want: nil, warn: "an 'only' option was passed, but not all matches were found for the given build."},
		{except: []string{"nothing"}, want: []string{"docker.a", "null.b", "named.docker.a"}, warn: "an 'except' option was passed, but did not match any build."},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.only, ",")+"/"+strings.Join(tt.except, ","), func(t *testing.T) {
			tpl, diags, _ := mustLoad(t, path, template.Options{Only: tt.only, Except: tt.except})
			var got []string
			for _, b := range tpl.Builds {
				got = append(got, b.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("builds (-want +got):\n%s", diff)
			}
			warns := summaries(diags, hcl.DiagWarning)
			if tt.warn == "" && len(warns) > 0 || tt.warn != "" && !cmp.Equal(warns, []string{tt.warn}) {
				t.Errorf("warnings %q, want %q", warns, tt.warn)
			}
		})
	}

	// -except on a post-processor name drops it and the rest of its chain.
	tpl, _, _ := mustLoad(t, path, template.Options{Except: []string{"first"}})
	if got := len(tpl.Builds[0].PostProcessors); got != 0 {
		t.Errorf("-except=first: %d chains left, want 0", got)
	}
	tpl, _, _ = mustLoad(t, path, template.Options{Except: []string{"docker-tag"}})
	if got := tpl.Builds[0].PostProcessors; len(got) != 1 || len(got[0]) != 1 || got[0][0].Name != "first" {
		t.Errorf("-except=docker-tag: chains %v", got)
	}
}

var _ = core.Build{}

// The language fixture: dynamic blocks (in a source body and as build
// sources), optional() defaults, locals in any order, data sources.
func TestLanguageFixture(t *testing.T) {
	path := filepath.Join("testdata", "valid", "language.pkr.hcl")
	for _, evaluate := range []bool{false, true} {
		tpl, _, rec := mustLoad(t, path, template.Options{EvaluateDatasources: evaluate})
		var names []string
		for _, b := range tpl.Builds {
			names = append(names, b.Name)
		}
		if diff := cmp.Diff([]string{"all.docker.base", "all.docker.alpine", "all.docker.busybox"}, names); diff != "" {
			t.Errorf("builds (-want +got):\n%s", diff)
		}
		cfg := rec.builders[0].cfg
		if len(cfg.Mount) != 2 || cfg.Mount[1].Source != "/b" || cfg.Mount[1].Target != "/mnt/b" {
			t.Errorf("dynamic mount blocks: %+v", cfg.Mount)
		}
		page, ok := cfg.Labels["page"]
		switch {
		case !evaluate && ok:
			t.Errorf("data source not executed, yet its value is %q", page)
		case evaluate && page != "fetched https://example.com/busybox:latest,alpine:3":
			t.Errorf("data source output %q", page)
		}
		if evaluate != (rec.executions == 1) {
			t.Errorf("EvaluateDatasources=%v: %d executions", evaluate, rec.executions)
		}
		// Only busybox gets the shell-local provisioner.
		for _, b := range tpl.Builds {
			if want := map[bool]int{true: 2, false: 1}[b.Name == "all.docker.busybox"]; len(b.Provisioners) != want {
				t.Errorf("%s: %d provisioners, want %d", b.Name, len(b.Provisioners), want)
			}
		}
		inline := rec.shells[0].cfg.Inline
		if want := "echo busybox:latest,alpine:3! all base docker"; inline[0] != want {
			t.Errorf("inline[0] = %q, want %q", inline[0], want)
		}
	}
}

func TestJSONTemplate(t *testing.T) {
	tpl, _, rec := mustLoad(t, filepath.Join("testdata", "valid", "json.pkr.json"), template.Options{})
	if len(tpl.Builds) != 1 || tpl.Builds[0].Name != "docker.json" {
		t.Fatalf("builds %+v", tpl.Builds)
	}
	if rec.builders[0].cfg.Image != "busybox" || rec.shells[0].cfg.Inline[0] != "echo json" {
		t.Errorf("decoded %+v %+v", rec.builders[0].cfg, rec.shells[0].cfg)
	}
}

// Locals and data sources form one dependency graph: a data source may
// use a local that uses another data source.
func TestLocalsAndDataGraph(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": `
data "http" "second" {
  url = local.from_first
}
locals {
  from_first = "u/${data.http.first.body}"
  final      = data.http.second.body
}
data "http" "first" {
  url = "root"
}
source "docker" "s" {
  image = local.final
}
build {
  sources = ["docker.s"]
}
`})
	_, _, rec := mustLoad(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{EvaluateDatasources: true})
	if got := rec.builders[0].cfg.Image; got != "fetched u/fetched root" {
		t.Errorf("image = %q", got)
	}
	if rec.executions != 2 {
		t.Errorf("%d executions, want 2", rec.executions)
	}

	dir = writeFiles(t, map[string]string{"t.pkr.hcl": `
data "http" "d" {
  url = local.l
}
locals {
  l = data.http.d.body
}
`})
	_, diags, _ := load(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	if got := summaries(diags, hcl.DiagError); len(got) != 1 || got[0] != "Cyclic dependency between locals and data sources" {
		t.Errorf("cycle through a data source: %q", got)
	}
}

// The error-cleanup-provisioner is prepared like the others and follows
// only/except.
func TestErrorCleanupProvisioner(t *testing.T) {
	dir := writeFiles(t, map[string]string{"t.pkr.hcl": `
source "docker" "a" { image = "x" }
source "docker" "b" { image = "x" }
build {
  sources = ["docker.a", "docker.b"]
  error-cleanup-provisioner "shell-local" {
    inline = ["cleanup ${build.ID}"]
    except = ["docker.b"]
  }
}
`})
	tpl, _, _ := mustLoad(t, filepath.Join(dir, "t.pkr.hcl"), template.Options{})
	if tpl.Builds[1].ErrorCleanupProvisioner != nil {
		t.Error("docker.b has the cleanup provisioner it excepts")
	}
	c := tpl.Builds[0].ErrorCleanupProvisioner
	if c == nil || c.Type != "shell-local" {
		t.Fatalf("docker.a cleanup provisioner: %+v", c)
	}
	p, err := c.Configure(map[string]any{"ID": "42"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.(*fakeShell).cfg.Inline[0]; got != "cleanup 42" {
		t.Errorf("inline %q", got)
	}
}
