package legacy

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFileFull(t *testing.T) {
	tpl, err := ParseFile("testdata/full.json")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(tpl.Path) || filepath.Base(tpl.Path) != "full.json" {
		t.Errorf("Path = %q, want the absolute path of full.json", tpl.Path)
	}
	if tpl.Description != "a full template" || tpl.MinVersion != "1.5.0" {
		t.Errorf("Description, MinVersion = %q, %q", tpl.Description, tpl.MinVersion)
	}
	if diff := cmp.Diff(map[string]string{"_comment": "a root comment"}, tpl.Comments); diff != "" {
		t.Errorf("Comments (-want +got):\n%s", diff)
	}
	wantVars := map[string]*Variable{
		"region":   {Key: "region", Default: "us-east-1"},
		"secret":   {Key: "secret", Default: "hunter2"},
		"required": {Key: "required", Required: true},
		"home":     {Key: "home", Default: "{{env `HOME`}}"},
	}
	if diff := cmp.Diff(wantVars, tpl.Variables); diff != "" {
		t.Errorf("Variables (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"secret"}, tpl.SensitiveVariables); diff != "" {
		t.Errorf("SensitiveVariables (-want +got):\n%s", diff)
	}
	wantBuilders := map[string]*Builder{
		"null":   {Name: "null", Type: "null", Where: "builders.0", Config: map[string]any{"communicator": "none"}},
		"second": {Name: "second", Type: "file", Where: "builders.1", Config: map[string]any{"target": "out.txt", "content": "{{user `region`}}"}},
	}
	if diff := cmp.Diff(wantBuilders, tpl.Builders); diff != "" {
		t.Errorf("Builders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"null", "second"}, tpl.BuilderOrder); diff != "" {
		t.Errorf("BuilderOrder (-want +got):\n%s", diff)
	}
	wantProvs := []*Provisioner{
		{
			OnlyExcept:  OnlyExcept{Only: []string{"null"}},
			Type:        "shell",
			Where:       "provisioners.0",
			Config:      map[string]any{"inline": []any{"echo hi"}},
			PauseBefore: 10 * time.Second,
			MaxRetries:  "3",
			Timeout:     5 * time.Minute,
		},
		{
			Type:     "shell-local",
			Where:    "provisioners.1",
			Config:   map[string]any{"command": "echo {{ build_name }}"},
			Override: map[string]any{"second": map[string]any{"command": "echo other"}},
		},
	}
	if diff := cmp.Diff(wantProvs, tpl.Provisioners); diff != "" {
		t.Errorf("Provisioners (-want +got):\n%s", diff)
	}
	wantCleanup := &Provisioner{Type: "shell-local", Where: "error-cleanup-provisioner", Config: map[string]any{"inline": []any{"echo cleanup"}}}
	if diff := cmp.Diff(wantCleanup, tpl.CleanupProvisioner); diff != "" {
		t.Errorf("CleanupProvisioner (-want +got):\n%s", diff)
	}
	yes := true
	wantPPs := [][]*PostProcessor{
		{{Where: "post-processors.0", Name: "manifest", Type: "manifest"}},
		{{OnlyExcept: OnlyExcept{Except: []string{"second"}}, Where: "post-processors.1", Name: "sums", Type: "checksum", KeepInputArtifact: &yes}},
		{{Where: "post-processors.2.0", Name: "compress", Type: "compress"}, {Where: "post-processors.2.1", Name: "artifice", Type: "artifice"}},
	}
	if diff := cmp.Diff(wantPPs, tpl.PostProcessors); diff != "" {
		t.Errorf("PostProcessors (-want +got):\n%s", diff)
	}
	if err := tpl.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := ParseFile("testdata/syntax_error.json")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
	}
	// The column is Packer's: one past the bytes read on a line after the
	// first.
	want := "Error parsing JSON: invalid character '}' looking for beginning of object key string\n" +
		"At line 3, column 22 (offset 39):\n" +
		"    2:   \"builders\": [\n" +
		"    3:     {\"type\": \"null\",}\n" +
		"                           ^\n"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

func TestHighlightFirstLine(t *testing.T) {
	line, col, hl := highlight([]byte(`{"a" 1}`), 5)
	if line != 1 || col != 5 {
		t.Errorf("line, col = %d, %d; want 1, 5", line, col)
	}
	want := "    1: {\"a\" \n" + strings.Repeat(" ", 10) + "^\n"
	if hl != want {
		t.Errorf("highlight = %q, want %q", hl, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{
			name: "unknown root key",
			src:  `{"builders": [{"type": "null"}], "zeta": 1, "alpha": 2}`,
			want: "2 errors occurred:\n\t* Unknown root level key in template: 'alpha'\n\t* Unknown root level key in template: 'zeta'\n\n",
		},
		{
			name: "comment that is not a string",
			src:  `{"builders": [{"type": "null"}], "_comment": ["a"]}`,
			want: `Failed to cast root level comment value in comment "_comment" to string.`,
		},
		{
			name: "duplicate field",
			src:  `{"builders": [{"type": "null", "type": "file"}]}`,
			want: "template has duplicate field: type",
		},
		{
			name: "root is not an object",
			src:  `[1, 2]`,
			want: "1 error(s) decoding:\n\n* '' expected a map, got 'slice'",
		},
		{
			name: "builders is not a list",
			src:  `{"builders": {"type": "null"}}`,
			want: "1 error(s) decoding:\n\n* 'builders': source data must be an array or slice, got map",
		},
		{
			name: "builder without type",
			src:  `{"builders": [{"name": "x"}]}`,
			want: "1 error occurred:\n\t* builder 1: missing 'type'\n\n",
		},
		{
			name: "duplicate builder name",
			src:  `{"builders": [{"type": "null"}, {"type": "null"}]}`,
			want: "1 error occurred:\n\t* builder 2: builder with name 'null' already exists\n\n",
		},
		{
			name: "variable that is not a string",
			src:  `{"builders": [{"type": "null"}], "variables": {"n": 1}}`,
			want: "1 error occurred:\n\t* variable n: '' expected type 'string', got unconvertible type 'float64', value: '1'\n\n",
		},
		{
			name: "nested post-processor sequence",
			src:  `{"builders": [{"type": "null"}], "post-processors": [["manifest", ["compress"]]]}`,
			want: "1 error occurred:\n\t* post-processor 1.2: sequence not allowed to be nested in a sequence\n\n",
		},
		{
			name: "post-processor of a bad format",
			src:  `{"builders": [{"type": "null"}], "post-processors": [1]}`,
			want: "1 error occurred:\n\t* post-processor 1: bad format\n\n",
		},
		{
			name: "post-processor without type",
			src:  `{"builders": [{"type": "null"}], "post-processors": [{"name": "x"}]}`,
			want: "1 error occurred:\n\t* post-processor 1.1: type is required\n\n",
		},
		{
			name: "keep_input_artifact as a string",
			src:  `{"builders": [{"type": "null"}], "post-processors": [{"type": "manifest", "keep_input_artifact": "true"}]}`,
			want: "1 error occurred:\n\t* post-processor 1.1: 1 error(s) decoding:\n\n* 'keep_input_artifact' expected type 'bool', got unconvertible type 'string', value: 'true'\n\n",
		},
		{
			name: "provisioner without type",
			src:  `{"builders": [{"type": "null"}], "provisioners": [{"inline": []}]}`,
			want: "1 error occurred:\n\t* provisioner 1: Provisioner missing 'type'\n\n",
		},
		{
			name: "invalid pause_before",
			src:  `{"builders": [{"type": "null"}], "provisioners": [{"type": "shell", "pause_before": "soon"}]}`,
			want: "1 error occurred:\n\t* provisioner 1: Error decoding provisioner: 1 error(s) decoding:\n\n* error decoding 'pause_before': time: invalid duration \"soon\"\n\n",
		},
		{
			name: "cleanup provisioner without type",
			src:  `{"builders": [{"type": "null"}], "error-cleanup-provisioner": {}}`,
			want: "1 error occurred:\n\t* On Error Cleanup Provisioner error: Provisioner missing 'type'\n\n",
		},
		{
			name: "several problems",
			src:  `{"builders": [{"name": "x"}], "provisioners": [{}]}`,
			want: "2 errors occurred:\n\t* builder 1: missing 'type'\n\t* provisioner 1: Provisioner missing 'type'\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, tpl *Template)
	}{
		{
			name: "no builders parses (Validate rejects it)",
			src:  `{}`,
			check: func(t *testing.T, tpl *Template) {
				if err := tpl.Validate(); err == nil || !strings.Contains(err.Error(), "at least one builder must be defined") {
					t.Errorf("Validate = %v", err)
				}
			},
		},
		{
			name: "root keys match without regard to case",
			src:  `{"Builders": [{"Type": "null"}], "Description": "d"}`,
			check: func(t *testing.T, tpl *Template) {
				if tpl.Builders["null"] == nil || tpl.Description != "d" {
					t.Errorf("Builders = %v, Description = %q", tpl.Builders, tpl.Description)
				}
			},
		},
		{
			name: "provisioner values are decoded weakly",
			src:  `{"builders": [{"type": "null"}], "provisioners": [{"type": "shell", "only": "null", "pause_before": 1000}]}`,
			check: func(t *testing.T, tpl *Template) {
				p := tpl.Provisioners[0]
				if !cmp.Equal(p.Only, []string{"null"}) || p.PauseBefore != time.Microsecond {
					t.Errorf("Only = %v, PauseBefore = %v", p.Only, p.PauseBefore)
				}
			},
		},
		{
			name: "empty post-processor chain is kept",
			src:  `{"builders": [{"type": "null"}], "post-processors": [[]]}`,
			check: func(t *testing.T, tpl *Template) {
				if len(tpl.PostProcessors) != 1 || len(tpl.PostProcessors[0]) != 0 {
					t.Errorf("PostProcessors = %v", tpl.PostProcessors)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, tpl)
		})
	}
}

func TestValidate(t *testing.T) {
	src := `{
	  "builders": [{"type": "null"}, {"name": "b", "type": "file"}],
	  "provisioners": [
	    {"type": "shell", "only": ["nope"]},
	    {"type": "shell", "only": ["null"], "except": ["b"]},
	    {"type": "shell", "override": {"ghost": {}}}
	  ],
	  "post-processors": [{"type": "manifest", "except": ["gone"]}]
	}`
	tpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := "4 errors occurred:\n" +
		"\t* provisioner 1: 'only' specified builder 'nope' not found\n" +
		"\t* provisioner 2: only one of 'only' or 'except' may be specified\n" +
		"\t* provisioner 3: override 'ghost' doesn't exist\n" +
		"\t* post-processor 1.1: 'except' specified builder 'gone' not found\n\n"
	err = tpl.Validate()
	if err == nil {
		t.Fatal("Validate succeeded")
	}
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}
