package legacy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

// Each configuration error of a component points at its key in the
// template, or at the component's "type" when it names no key.
func TestComponentErrorsLocated(t *testing.T) {
	src := `{
  "builders": [
    {
      "type": "file",
      "content": "x",
      "target": "out.txt",
      "bogus_key": 1
    },
    {
      "name": "two",
      "type": "file",
      "content": "x"
    }
  ],
  "provisioners": [
    {
      "type": "shell-local",
      "inline": ["true"],
      "override": {
        "file": {"enviroment_vars": ["A=1"]}
      }
    }
  ],
  "post-processors": [
    [
      "manifest",
      {"type": "checksum", "checksum_types": "notalist", "output": {"a": 1}}
    ]
  ]
}
`
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(t.Context(), path, template.Options{})
	type loc struct {
		detail string
		line   int
		text   string // the source at the range
	}
	var got []loc
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		l := loc{detail: d.Detail}
		if d.Subject != nil {
			l.line = d.Subject.Start.Line
			l.text = src[d.Subject.Start.Byte:d.Subject.End.Byte]
		}
		got = append(got, l)
	}
	want := []loc{
		{`unknown configuration key: "bogus_key"`, 7, `"bogus_key"`},
		{`target: target required`, 11, `"type"`},
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g.detail, w.detail) && g.line == w.line && g.text == w.text {
				found = true
			}
		}
		if !found {
			t.Errorf("no error %q at line %d (%s); got %+v", w.detail, w.line, w.text, got)
		}
	}
	// The provisioner's override and the post-processor's keys, for the
	// build "file" (the first build fails before them).
	if err := os.WriteFile(path, []byte(strings.Replace(src, "\"target\": \"out.txt\",\n      \"bogus_key\": 1", `"target": "out.txt"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags = Load(t.Context(), path, template.Options{Only: []string{"file"}})
	if len(diags) == 0 || diags[0].Subject == nil {
		t.Fatalf("diags %v", diags)
	}
	if d := diags[0]; d.Subject.Start.Line != 19 || !strings.Contains(d.Detail, "enviroment_vars") {
		t.Errorf("override error %q at line %d, want line 19", d.Detail, d.Subject.Start.Line)
	}
}

// A post-processor inside a chain: the key of its bad value.
func TestPostProcessorErrorLocated(t *testing.T) {
	src := `{
  "builders": [{"type": "file", "content": "x", "target": "out.txt"}],
  "post-processors": [
    [
      "manifest",
      {"type": "checksum",
       "checksum_types": {"a": 1}}
    ]
  ]
}
`
	path := filepath.Join(t.TempDir(), "t.json")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := Load(t.Context(), path, template.Options{})
	if len(diags) != 1 || diags[0].Subject == nil {
		t.Fatalf("diags %v", diags)
	}
	d := diags[0]
	if got := src[d.Subject.Start.Byte:d.Subject.End.Byte]; d.Subject.Start.Line != 7 || got != `"checksum_types"` {
		t.Errorf("%q at line %d (%s), want line 7", d.Detail, d.Subject.Start.Line, got)
	}
}

func TestJSONPositions(t *testing.T) {
	src := []byte(`{"a": [1, {"b": {"c": "d"}}], "e" : true}`)
	p := jsonPositions(src)
	for path, want := range map[string]string{
		"a":       `"a"`,
		"a.0":     `1`,
		"a.1":     `{`,
		"a.1.b":   `"b"`,
		"a.1.b.c": `"c"`,
		"e":       `"e"`,
	} {
		se, ok := p[path]
		if !ok {
			t.Errorf("%s: not found", path)
			continue
		}
		if got := string(src[se[0]:se[1]]); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}
