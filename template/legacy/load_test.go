package legacy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadSyntaxOnly(t *testing.T) {
	tpl, diags := Load(context.Background(), "testdata/full.json", template.Options{SyntaxOnly: true})
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if tpl.Kind != template.JSON || tpl.Path != "testdata/full.json" {
		t.Errorf("Kind, Path = %v, %q", tpl.Kind, tpl.Path)
	}
	if tpl.Builds != nil {
		t.Errorf("Builds = %v, want none with SyntaxOnly", tpl.Builds)
	}
	if f := tpl.Files["testdata/full.json"]; f == nil || len(f.Bytes) == 0 {
		t.Errorf("Files lacks the template source")
	}
}

func TestLoadSyntaxErrorDiagnostic(t *testing.T) {
	path := "testdata/syntax_error.json"
	tpl, diags := Load(context.Background(), path, template.Options{SyntaxOnly: true})
	if len(diags) != 1 || !diags.HasErrors() {
		t.Fatalf("diagnostics = %v, want one error", diags)
	}
	d := diags[0]
	if d.Summary != ParseFailedSummary {
		t.Errorf("Summary = %q", d.Summary)
	}
	if !strings.HasPrefix(d.Detail, "Original error: Error parsing JSON: invalid character '}'") {
		t.Errorf("Detail = %q", d.Detail)
	}
	if d.Subject == nil || d.Subject.Filename != path || d.Subject.Start.Line != 3 || d.Subject.Start.Column != 21 {
		t.Fatalf("Subject = %+v, want %s line 3 column 21", d.Subject, path)
	}
	// The diagnostic printer finds the source line through Files.
	var buf bytes.Buffer
	w := hcl.NewDiagnosticTextWriter(&buf, tpl.Files, 0, false)
	if err := w.WriteDiagnostics(diags); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Error: Failed to parse file as legacy JSON template: ",
		`{"type": "null",}`,
		"At line 3, column 22",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("printed diagnostic lacks %q:\n%s", want, out)
		}
	}
}

func TestLoadParseErrorDiagnostic(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "t.json", "{\"builders\": [{\"type\": \"null\"}],\n  \"bogus\": true}")
	_, diags := Load(context.Background(), path, template.Options{SyntaxOnly: true})
	if len(diags) != 1 {
		t.Fatalf("diagnostics = %v", diags)
	}
	want := "Original error: 1 error occurred:\n\t* Unknown root level key in template: 'bogus'"
	if diags[0].Detail != want {
		t.Errorf("Detail = %q, want %q", diags[0].Detail, want)
	}
	// The key is located, with Packer's message.
	if s := diags[0].Subject; s == nil || s.Start.Line != 2 || s.Start.Column != 3 || s.End.Column != 10 {
		t.Errorf("Subject = %v, want line 2, columns 3-10", s)
	}
}

func TestLoadSyntaxOnlyReadsVarFiles(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "t.json", `{"builders": [{"type": "null"}]}`)
	bad := writeFile(t, dir, "vars.json", `{"n": 1}`)
	tests := []struct {
		name     string
		varFiles []string
		want     string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.json")}, "no such file or directory"},
		{"value that is not a string", []string{bad}, "Error reading variables in '" + bad + "': json: cannot unmarshal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Load(context.Background(), path, template.Options{SyntaxOnly: true, VarFiles: tt.varFiles})
			if !diags.HasErrors() || !strings.Contains(diags[0].Summary, tt.want) {
				t.Errorf("diagnostics = %v, want an error containing %q", diags, tt.want)
			}
		})
	}
}
