package legacy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/core"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/ui"
)

// recorder keeps what fake components were prepared with.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

type call struct {
	kind, typ string
	raws      []any
}

func (r *recorder) add(kind, typ string, raws []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{kind, typ, raws})
}

func (r *recorder) last(kind, typ string) call {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.calls) - 1; i >= 0; i-- {
		if r.calls[i].kind == kind && r.calls[i].typ == typ {
			return r.calls[i]
		}
	}
	return call{}
}

type fakeBuilder struct {
	rec       *recorder
	typ       string
	generated []string
	warnings  []string
	err       error
}

func (b *fakeBuilder) ConfigSpec() hcldec.ObjectSpec { return nil }
func (b *fakeBuilder) Prepare(raws ...any) ([]string, []string, error) {
	b.rec.add("builder", b.typ, raws)
	return b.generated, b.warnings, b.err
}
func (b *fakeBuilder) Run(context.Context, sdk.Ui, sdk.Hook) (sdk.Artifact, error) { return nil, nil }

type fakeProvisioner struct {
	rec *recorder
	typ string
	err error
}

func (p *fakeProvisioner) ConfigSpec() hcldec.ObjectSpec { return nil }
func (p *fakeProvisioner) Prepare(raws ...any) error {
	p.rec.add("provisioner", p.typ, raws)
	return p.err
}
func (p *fakeProvisioner) Provision(context.Context, sdk.Ui, sdk.Communicator, map[string]any) error {
	return nil
}

type fakePostProcessor struct {
	rec *recorder
	typ string
	err error
}

func (p *fakePostProcessor) ConfigSpec() hcldec.ObjectSpec { return nil }
func (p *fakePostProcessor) Configure(raws ...any) error {
	p.rec.add("post-processor", p.typ, raws)
	return p.err
}
func (p *fakePostProcessor) PostProcess(_ context.Context, _ sdk.Ui, a sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	return a, true, false, nil
}

// fakeRegistry registers fake components of the given types. errs makes a
// type's Prepare/Configure fail.
func fakeRegistry(rec *recorder, errs map[string]error) *components.Registry {
	reg := &components.Registry{
		Builders:       map[string]func() sdk.Builder{},
		Provisioners:   map[string]func() sdk.Provisioner{},
		PostProcessors: map[string]func() sdk.PostProcessor{},
	}
	for _, typ := range []string{"null", "file", "docker"} {
		reg.Builders[typ] = func() sdk.Builder {
			b := &fakeBuilder{rec: rec, typ: typ, err: errs[typ]}
			if typ == "docker" {
				b.generated = []string{"ImageSha256"}
				b.warnings = []string{"docker is slow"}
			}
			return b
		}
	}
	for _, typ := range []string{"shell", "shell-local", "file"} {
		reg.Provisioners[typ] = func() sdk.Provisioner { return &fakeProvisioner{rec: rec, typ: typ, err: errs["p:"+typ]} }
	}
	for _, typ := range []string{"manifest", "checksum", "compress", "artifice"} {
		reg.PostProcessors[typ] = func() sdk.PostProcessor { return &fakePostProcessor{rec: rec, typ: typ, err: errs["pp:"+typ]} }
	}
	return reg
}

func load(t *testing.T, src string, opts template.Options) (*template.Template, hcl.Diagnostics, *recorder, string) {
	t.Helper()
	dir := t.TempDir()
	path := writeFile(t, dir, "template.json", src)
	rec := &recorder{}
	if opts.Registry == nil {
		opts.Registry = fakeRegistry(rec, nil)
	}
	tpl, diags := Load(context.Background(), path, opts)
	return tpl, diags, rec, path
}

func errorDetails(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d.Summary+"|"+d.Detail)
		}
	}
	return out
}

func TestLoadInitializeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts template.Options
		want string
	}{
		{
			name: "required variables",
			src:  `{"variables": {"b": null, "a": null, "c": "x"}, "builders": [{"type": "null"}]}`,
			want: "|2 errors occurred:\n\t* required variable not set: a\n\t* required variable not set: b\n\n",
		},
		{
			name: "no builder",
			src:  `{"variables": {}}`,
			want: "|1 error occurred:\n\t* at least one builder must be defined\n\n",
		},
		{
			name: "min_packer_version",
			src:  `{"min_packer_version": "99.1", "builders": [{"type": "null"}]}`,
			want: "|This template requires Packer version 99.1.0 or higher; using 1.16.0",
		},
		{
			name: "invalid min_packer_version",
			src:  `{"min_packer_version": "latest", "builders": [{"type": "null"}]}`,
			want: "|min_version is invalid: malformed version: latest",
		},
		{
			name: "variable referencing an undefined one",
			src:  `{"variables": {"a": "{{user ` + "`nope`" + `}}"}, "builders": [{"type": "null"}]}`,
			want: "|Failed to interpolate \"a\": \"{{user `nope`}}\"; error: template: root:1:2: executing \"root\" at <user `nope`>: error calling user: Error: variable not set: nope: Please make sure that the variable you're referencing has been defined; Packer treats all variables used to interpolate other user variables as required.",
		},
		{
			name: "function error in a variable",
			src:  `{"variables": {"a": "{{split ` + "`a` `-` 4" + `}}"}, "builders": [{"type": "null"}]}`,
			want: "|template: root:1:2: executing \"root\" at <split `a` `-` 4>: error calling split: the substring 4 was unavailable using the separator value, -, only 1 values were found",
		},
		{
			name: "unknown function in a variable",
			src:  `{"variables": {"a": "{{nope}}"}, "builders": [{"type": "null"}]}`,
			want: "|error interpolating default value for 'a': template: root:1: function \"nope\" not defined",
		},
		{
			name: "build name",
			src:  `{"builders": [{"type": "null", "name": "{{env ` + "`X`" + `}}"}]}`,
			want: "|Error interpolating builder '{{env `X`}}': template: root:1:2: executing \"root\" at <env `X`>: error calling env: env vars are not allowed here",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags, _, _ := load(t, tt.src, tt.opts)
			if diff := cmp.Diff([]string{tt.want}, errorDetails(diags)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadVariables(t *testing.T) {
	dir := t.TempDir()
	vf1 := writeFile(t, dir, "1.json", `{"from_file": "f1", "both": "file", "undeclared": "u"}`)
	vf2 := writeFile(t, dir, "2.json", `{"from_file": "f2"}`)
	src := `{
	  "variables": {
	    "home": "{{env ` + "`HOME`" + `}}",
	    "greeting": "hello {{user ` + "`who`" + `}}",
	    "who": "{{user ` + "`first`" + `}} {{user ` + "`last`" + `}}",
	    "first": "ada",
	    "last": "lovelace",
	    "boot": "http://{{ .HTTPIP }}/{{user ` + "`first`" + `}}",
	    "from_file": "default",
	    "both": "default",
	    "required": null
	  },
	  "builders": [{"type": "null", "note": "{{user ` + "`greeting`" + `}} {{user ` + "`undeclared`" + `}} {{user ` + "`cli`" + `}}"}]
	}`
	opts := template.Options{
		VarFiles: []string{vf1, vf2},
		Vars:     []template.Var{{Key: "both", Value: "early"}, {Key: "required", Value: "r"}, {Key: "cli", Value: "c"}, {Key: "both", Value: "cli"}},
		Getenv:   func(k string) string { return map[string]string{"HOME": "/home/ada"}[k] },
	}
	_, diags, rec, _ := load(t, src, opts)
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	pc := rec.last("builder", "null").raws[1].(map[string]any)
	want := map[string]string{
		"home":       "/home/ada",
		"greeting":   "hello ada lovelace",
		"who":        "ada lovelace",
		"first":      "ada",
		"last":       "lovelace",
		"boot":       "http://{{ .HTTPIP }}/ada",
		"from_file":  "f2",
		"both":       "cli",
		"required":   "r",
		"undeclared": "u",
		"cli":        "c",
	}
	if diff := cmp.Diff(want, pc[sdk.KeyUserVariables]); diff != "" {
		t.Errorf("packer_user_variables (-want +got):\n%s", diff)
	}
	cfg := rec.last("builder", "null").raws[0].(map[string]any)
	if got := cfg["note"]; got != "hello ada lovelace u c" {
		t.Errorf("note = %q", got)
	}
}

func TestLoadSensitiveVariablesAreScrubbed(t *testing.T) {
	secret := "s3cr3t-" + time.Now().Format("150405.000000000")
	src := `{"variables": {"token": "` + secret + `"}, "sensitive-variables": ["token"], "builders": [{"type": "null"}]}`
	_, diags, rec, _ := load(t, src, template.Options{})
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if got := ui.DefaultScrubber.Scrub("the token is " + secret); got != "the token is "+ui.Redacted {
		t.Errorf("scrubbed output = %q", got)
	}
	pc := rec.last("builder", "null").raws[1].(map[string]any)
	if diff := cmp.Diff([]string{"token"}, pc[sdk.KeySensitiveVars]); diff != "" {
		t.Errorf("packer_sensitive_variables (-want +got):\n%s", diff)
	}
}

func TestLoadBuilds(t *testing.T) {
	src := `{
	  "variables": {"suffix": "two"},
	  "builders": [
	    {"type": "null", "communicator": "none", "dir": "{{template_dir}}"},
	    {"type": "file", "name": "b-{{user ` + "`suffix`" + `}}", "content": "{{build_name}}/{{build_type}}", "boot": ["{{ .HTTPIP }}"]},
	    {"type": "docker", "name": "a", "image": "alpine"}
	  ],
	  "provisioners": [
	    {"type": "shell", "inline": ["echo {{build_name}} {{ build ` + "`Host`" + ` }}"], "pause_before": "2s", "max_retries": "{{user ` + "`n`" + `}}3", "timeout": "1m"},
	    {"type": "shell-local", "command": "default", "override": {"a": {"command": "for docker"}}},
	    {"type": "file", "source": "x", "destination": "y", "only": ["null"]}
	  ],
	  "error-cleanup-provisioner": {"type": "shell-local", "inline": ["cleanup {{build_type}}"]},
	  "post-processors": [
	    "manifest",
	    [{"type": "compress", "output": "{{build_name}}.tgz", "keep_input_artifact": false}, {"type": "checksum", "name": "sums", "except": ["null"]}],
	    {"type": "artifice", "files": ["{{ build ` + "`ImageSha256`" + ` }}"], "only": ["a"]}
	  ]
	}`
	tpl, diags, rec, path := load(t, src, template.Options{Debug: true, Force: true, OnError: "abort"})
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	// Warnings from Prepare are reported, the build is kept.
	var warnings []string
	for _, d := range diags {
		warnings = append(warnings, d.Summary+"|"+d.Detail)
	}
	if diff := cmp.Diff([]string{`Warning when preparing build: "a"|docker is slow`}, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	type buildSummary struct {
		Name, Type, SourceName string
		GeneratedVars          []string
		Provisioners           []string
		Cleanup                string
		PostProcessors         [][]string
	}
	var got []buildSummary
	for _, b := range tpl.Builds {
		s := buildSummary{Name: b.Name, Type: b.Type, SourceName: b.SourceName, GeneratedVars: b.GeneratedVars}
		for _, p := range b.Provisioners {
			s.Provisioners = append(s.Provisioners, p.Type)
		}
		if b.ErrorCleanupProvisioner != nil {
			s.Cleanup = b.ErrorCleanupProvisioner.Type
		}
		for _, chain := range b.PostProcessors {
			var c []string
			for _, pp := range chain {
				c = append(c, pp.Name+"("+pp.Type+")")
			}
			s.PostProcessors = append(s.PostProcessors, c)
		}
		got = append(got, s)
	}
	want := []buildSummary{
		{
			Name: "docker.a", Type: "docker", SourceName: "a", GeneratedVars: []string{"ImageSha256"},
			Provisioners:   []string{"shell", "shell-local"},
			Cleanup:        "shell-local",
			PostProcessors: [][]string{{"manifest(manifest)"}, {"compress(compress)", "sums(checksum)"}, {"artifice(artifice)"}},
		},
		{
			Name: "file.b-two", Type: "file", SourceName: "b-two",
			Provisioners:   []string{"shell", "shell-local"},
			Cleanup:        "shell-local",
			PostProcessors: [][]string{{"manifest(manifest)"}, {"compress(compress)", "sums(checksum)"}},
		},
		{
			Name: "null", Type: "null", SourceName: "null",
			Provisioners:   []string{"shell", "shell-local", "file"},
			Cleanup:        "shell-local",
			PostProcessors: [][]string{{"manifest(manifest)"}, {"compress(compress)"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("builds (-want +got):\n%s", diff)
	}

	// The builder gets its interpolated configuration and the packer_*
	// configuration.
	fileCall := rec.last("builder", "file")
	if diff := cmp.Diff(map[string]any{"content": "b-two/file", "boot": []any{"{{ .HTTPIP }}"}}, fileCall.raws[0]); diff != "" {
		t.Errorf("file builder config (-want +got):\n%s", diff)
	}
	wantPC := map[string]any{
		sdk.KeyBuildName:     "b-two",
		sdk.KeyBuilderType:   "file",
		sdk.KeyCoreVersion:   "1.16.0",
		sdk.KeyDebug:         true,
		sdk.KeyForce:         true,
		sdk.KeyOnError:       "abort",
		sdk.KeyTemplatePath:  path,
		sdk.KeyUserVariables: map[string]string{"suffix": "two"},
		sdk.KeySensitiveVars: []string{},
	}
	if diff := cmp.Diff(wantPC, fileCall.raws[1]); diff != "" {
		t.Errorf("file builder packer config (-want +got):\n%s", diff)
	}
	nullCfg := rec.last("builder", "null").raws[0].(map[string]any)
	if nullCfg["dir"] != strings.TrimSuffix(path, "/template.json") {
		t.Errorf("template_dir rendered %q", nullCfg["dir"])
	}

	docker := tpl.Builds[0]
	shell := docker.Provisioners[0]
	if shell.PauseBefore != 2*time.Second || shell.Timeout != time.Minute || shell.MaxRetries != 3 {
		t.Errorf("shell wrappers = %v, %v, %d", shell.PauseBefore, shell.Timeout, shell.MaxRetries)
	}
	// Prepared at load time (the null build is the last one) with
	// placeholders: {{ build }} leaves a
	// reference.
	if diff := cmp.Diff(map[string]any{"inline": []any{"echo null {{.Host}}"}}, rec.last("provisioner", "shell").raws[0]); diff != "" {
		t.Errorf("shell prepared with (-want +got):\n%s", diff)
	}

	// Configure re-renders the raw configuration with the real values,
	// and prepares a fresh provisioner.
	p, err := shell.Configure(map[string]any{"Host": "10.1.2.3", "ID": "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"inline": []any{"echo a 10.1.2.3"}}, rec.last("provisioner", "shell").raws[0]); diff != "" {
		t.Errorf("shell configured with (-want +got):\n%s", diff)
	}
	if p == nil {
		t.Error("Configure returned no provisioner")
	}
	// The override for this build is merged into the configuration.
	if _, err := docker.Provisioners[1].Configure(map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"command": "for docker"}, rec.last("provisioner", "shell-local").raws[0]); diff != "" {
		t.Errorf("override (-want +got):\n%s", diff)
	}
	if _, err := docker.ErrorCleanupProvisioner.Configure(nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"inline": []any{"cleanup docker"}}, rec.last("provisioner", "shell-local").raws[0]); diff != "" {
		t.Errorf("cleanup provisioner (-want +got):\n%s", diff)
	}

	// Post-processors: keep_input_artifact and generated data.
	compress := docker.PostProcessors[1][0]
	if compress.KeepInputArtifact == nil || *compress.KeepInputArtifact {
		t.Errorf("compress keep_input_artifact = %v", compress.KeepInputArtifact)
	}
	artifice := docker.PostProcessors[2][0]
	if diff := cmp.Diff(map[string]any{"files": []any{"{{.ImageSha256}}"}}, rec.last("post-processor", "artifice").raws[0]); diff != "" {
		t.Errorf("artifice prepared with (-want +got):\n%s", diff)
	}
	if _, err := artifice.Configure(map[string]any{"ImageSha256": "sha256:abc"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"files": []any{"sha256:abc"}}, rec.last("post-processor", "artifice").raws[0]); diff != "" {
		t.Errorf("artifice configured with (-want +got):\n%s", diff)
	}
	if _, err := artifice.Configure(map[string]any{}); err == nil || !strings.Contains(err.Error(), "loaded data, but couldnt find ImageSha256 in it.") {
		t.Errorf("Configure without the value: %v", err)
	}
}

func TestLoadOnlyExcept(t *testing.T) {
	src := `{
	  "builders": [{"type": "null"}, {"type": "file", "name": "f"}, {"type": "docker", "name": "d"}],
	  "post-processors": [["manifest", {"type": "checksum", "name": "sums"}, "compress"], ["artifice", "manifest"]]
	}`
	names := func(builds []*core.Build) []string {
		var out []string
		for _, b := range builds {
			out = append(out, b.Name)
		}
		return out
	}
	tests := []struct {
		name   string
		opts   template.Options
		builds []string
		pps    [][]string
	}{
		{name: "all", builds: []string{"docker.d", "file.f", "null"}, pps: [][]string{{"manifest", "sums", "compress"}, {"artifice", "manifest"}}},
		{name: "only raw names", opts: template.Options{Only: []string{"f", "docker.d"}}, builds: []string{"file.f"}},
		{name: "except", opts: template.Options{Except: []string{"null"}}, builds: []string{"docker.d", "file.f"}},
		{name: "except post-processor drops the rest of its chain", opts: template.Options{Except: []string{"sums"}}, builds: []string{"docker.d", "file.f", "null"}, pps: [][]string{{"manifest"}, {"artifice", "manifest"}}},
		{name: "except a chain's first post-processor drops the chain", opts: template.Options{Except: []string{"artifice"}}, builds: []string{"docker.d", "file.f", "null"}, pps: [][]string{{"manifest", "sums", "compress"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, diags, _, _ := load(t, src, tt.opts)
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if diff := cmp.Diff(tt.builds, names(tpl.Builds)); diff != "" {
				t.Errorf("builds (-want +got):\n%s", diff)
			}
			if tt.pps == nil {
				return
			}
			for _, b := range tpl.Builds {
				var got [][]string
				for _, chain := range b.PostProcessors {
					var c []string
					for _, pp := range chain {
						c = append(c, pp.Name)
					}
					got = append(got, c)
				}
				if diff := cmp.Diff(tt.pps, got); diff != "" {
					t.Errorf("%s post-processors (-want +got):\n%s", b.Name, diff)
				}
			}
		})
	}
}

func TestLoadBuildErrors(t *testing.T) {
	boom := errors.New("1 error occurred:\n\t* boom\n\n")
	tests := []struct {
		name   string
		src    string
		errs   map[string]error
		want   []string
		builds int
	}{
		{
			name:   "unknown builder type",
			src:    `{"builders": [{"type": "virtualbox-iso"}, {"type": "null"}]}`,
			want:   []string{`Failed to initialize build "virtualbox-iso"|error initializing builder 'virtualbox-iso': Unknown builder virtualbox-iso`},
			builds: 1,
		},
		{
			name: "unknown provisioner type",
			src:  `{"builders": [{"type": "null"}], "provisioners": [{"type": "ansible"}]}`,
			want: []string{`Failed to initialize build "null"|error initializing provisioner 'ansible': Unknown provisioner ansible`},
		},
		{
			name: "unknown provisioner type skipped by only",
			src:  `{"builders": [{"type": "null"}, {"type": "file"}], "provisioners": [{"type": "ansible", "only": ["file"]}]}`,
			want: []string{`Failed to initialize build "file"|error initializing provisioner 'ansible': Unknown provisioner ansible`}, builds: 1,
		},
		{
			name: "unknown post-processor type",
			src:  `{"builders": [{"type": "null"}], "post-processors": ["vagrant"]}`,
			want: []string{`Failed to initialize build "null"|error initializing post-processor 'vagrant': Unknown post-processor vagrant`},
		},
		{
			name: "max_retries not a number",
			src:  `{"builders": [{"type": "null"}], "provisioners": [{"type": "shell", "max_retries": "many"}]}`,
			want: []string{"Failed to initialize build \"null\"|`max_retries` must be a valid integer: strconv.Atoi: parsing \"many\": invalid syntax"},
		},
		{
			name: "builder prepare error",
			src:  `{"builders": [{"type": "docker"}, {"type": "null"}]}`,
			errs: map[string]error{"docker": boom},
			want: []string{"Failed to prepare build: \"docker\"|1 error occurred:\n\t* boom\n\n"}, builds: 1,
		},
		{
			name: "provisioner prepare error",
			src:  `{"builders": [{"type": "null"}], "provisioners": [{"type": "shell"}]}`,
			errs: map[string]error{"p:shell": boom},
			want: []string{"Failed to prepare build: \"null\"|1 error occurred:\n\t* boom\n\n"},
		},
		{
			name: "post-processor configure error",
			src:  `{"builders": [{"type": "null"}], "post-processors": ["manifest"]}`,
			errs: map[string]error{"pp:manifest": boom},
			want: []string{"Failed to prepare build: \"null\"|1 error occurred:\n\t* boom\n\n"},
		},
		{
			name: "interpolation error in a builder",
			src:  `{"builders": [{"type": "null", "x": "{{ env ` + "`A`" + ` }}"}]}`,
			want: []string{"Failed to prepare build: \"null\"|render 'x': template: root:1:3: executing \"root\" at <env `A`>: error calling env: env vars are not allowed here in:\n\n{{ env `A` }}"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			tpl, diags, _, _ := load(t, tt.src, template.Options{Registry: fakeRegistry(rec, tt.errs)})
			if diff := cmp.Diff(tt.want, errorDetails(diags)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if len(tpl.Builds) != tt.builds {
				t.Errorf("%d builds, want %d", len(tpl.Builds), tt.builds)
			}
		})
	}
}

func TestLoadPrepareUsesFreshInstances(t *testing.T) {
	src := `{"builders": [{"type": "null"}, {"type": "file"}], "provisioners": [{"type": "shell"}]}`
	tpl, diags, rec, _ := load(t, src, template.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := 0
	for _, c := range rec.calls {
		if c.kind == "provisioner" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("provisioner prepared %d times at load, want once per build", n)
	}
	p1, _ := tpl.Builds[0].Provisioners[0].Configure(map[string]any{})
	p2, _ := tpl.Builds[0].Provisioners[0].Configure(map[string]any{})
	if p1 == p2 {
		t.Error("Configure returned the same instance twice")
	}
}
