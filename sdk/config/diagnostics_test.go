package config_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/kilnbuild/kiln/sdk/config"
)

const diagSrc = `image = "ubuntu"
port  = 22

timeout = "5 minutes"
run_command = ["-d", "-i"]
volumes = {
  cache = "/cache"
}
mount {
  source = "/a"
}
mount {
  source = "/b"
  wait   = "soon"
}
registry "hub" {
  url = "https://hub"
}
`

func TestDiagnosticsFromDecode(t *testing.T) {
	var c testConfig
	val, body, diags := decodeHCL(t, &c, diagSrc)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	err := config.Decode(&c, nil, val)
	if err == nil {
		t.Fatal("Decode succeeded, want duration errors")
	}
	got := config.Diagnostics(fmt.Errorf("prepare docker: %w", err), body)

	type diag struct{ Summary, Detail, Subject, Context string }
	var gotDiags []diag
	for _, d := range got {
		if d.Severity != hcl.DiagError {
			t.Errorf("severity = %v, want error", d.Severity)
		}
		gotDiags = append(gotDiags, diag{d.Summary, d.Detail, rangeString(d.Subject), rangeString(d.Context)})
	}
	hint := `: write a number and a unit, such as "90s", "5m" or "1h30m"`
	want := []diag{
		{"Invalid duration", `timeout: invalid duration "5 minutes"` + hint, "template.pkr.hcl:4,11-22", "template.pkr.hcl:4,1-22"},
		{"Invalid duration", `mount.1.wait: invalid duration "soon"` + hint, "template.pkr.hcl:14,12-18", "template.pkr.hcl:14,3-18"},
	}
	if diff := cmp.Diff(want, gotDiags); diff != "" {
		t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
	}

	// The diagnostics render with the source, as the command layer does.
	var buf bytes.Buffer
	files := map[string]*hcl.File{"template.pkr.hcl": {Bytes: []byte(diagSrc)}}
	if err := hcl.NewDiagnosticTextWriter(&buf, files, 80, false).WriteDiagnostics(got); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, `Error: Invalid duration`) ||
		!strings.Contains(out, `on template.pkr.hcl line 4:`) || !strings.Contains(out, `4: timeout = "5 minutes"`) {
		t.Errorf("rendered diagnostics lack the source location:\n%s", out)
	}
}

func TestDiagnosticsLocate(t *testing.T) {
	body := parseHCL(t, diagSrc)
	missing := hcl.Range{Filename: "template.pkr.hcl", Start: hcl.InitialPos, End: hcl.InitialPos}
	tests := []struct {
		name        string
		err         error
		summary     string
		subject     string
		wantContext bool
	}{
		{"top-level attribute", &config.FieldError{Path: "port", Err: &config.TypeError{Expected: "a number", Got: "x"}},
			"Incorrect attribute value type", "template.pkr.hcl:2,9-11", true},
		{"list element", &config.FieldError{Path: "run_command.1", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:5,22-26", true},
		{"map element", &config.FieldError{Path: "volumes.cache", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:7,11-19", true},
		{"map element not found", &config.FieldError{Path: "volumes.nope", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:6,11-8,2", true},
		{"first block", &config.FieldError{Path: "mount.0.source", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:10,12-16", true},
		{"missing in second block", &config.FieldError{Path: "mount.1.target", Err: config.ErrMissingKey},
			"Missing required argument", "template.pkr.hcl:12,1-6", false},
		{"block index out of range", &config.FieldError{Path: "mount.5.source", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:9,1-6", false},
		{"labelled block", &config.FieldError{Path: "registry.hub.url", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:17,9-22", true},
		{"unknown label", &config.FieldError{Path: "registry.nope.url", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:16,1-15", false},
		{"whole block", &config.FieldError{Path: "registry.hub", Err: errors.New("bad")},
			"Invalid value", "template.pkr.hcl:16,1-15", false},
		{"absent key", &config.FieldError{Path: "login", Err: config.ErrMissingKey},
			"Missing required argument", missing.String(), false},
		{"unknown key", &config.FieldError{Path: "imgae", Err: config.ErrUnknownKey, Suggestion: "image"},
			"Unsupported argument", missing.String(), false},
		{"not a field error", errors.New("docker is not running"),
			"Invalid configuration", missing.String(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := config.Diagnostics(tt.err, body)
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics, want 1", len(diags))
			}
			d := diags[0]
			if d.Summary != tt.summary || d.Detail != tt.err.Error() {
				t.Errorf("diagnostic = %q / %q, want %q / %q", d.Summary, d.Detail, tt.summary, tt.err.Error())
			}
			if got := rangeString(d.Subject); got != tt.subject {
				t.Errorf("subject = %s, want %s", got, tt.subject)
			}
			if (d.Context != nil) != tt.wantContext {
				t.Errorf("context = %v, want it set: %v", d.Context, tt.wantContext)
			}
		})
	}
}

func TestDiagnosticsEdgeCases(t *testing.T) {
	if diags := config.Diagnostics(nil, parseHCL(t, diagSrc)); diags != nil {
		t.Errorf("Diagnostics(nil) = %v, want nil", diags)
	}
	diags := config.Diagnostics(errors.Join(
		&config.FieldError{Path: "port", Err: errors.New("bad")},
		errors.New("other"),
	), nil)
	if len(diags) != 2 || diags[0].Subject != nil || diags[1].Detail != "other" {
		t.Errorf("Diagnostics without a body = %v", diags)
	}
}

func TestDiagnosticsJSONBody(t *testing.T) {
	src := `{
  "image": "x",
  "timeout": "5 minutes",
  "mount": [{"source": "/a"}, {"source": "/b", "wait": "soon"}]
}`
	f, diags := hclparse.NewParser().ParseJSON([]byte(src), "template.pkr.json")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var c testConfig
	err := config.Decode(&c, nil, mustDecodeBody(t, f.Body, &c))
	got := config.Diagnostics(err, f.Body)
	var subjects []string
	for _, d := range got {
		subjects = append(subjects, rangeString(d.Subject))
	}
	want := []string{"template.pkr.json:3,14-25", "template.pkr.json:4,56-62"}
	if diff := cmp.Diff(want, subjects); diff != "" {
		t.Errorf("subjects mismatch (-want +got):\n%s", diff)
	}
}

func rangeString(r *hcl.Range) string {
	if r == nil {
		return ""
	}
	return r.String()
}
