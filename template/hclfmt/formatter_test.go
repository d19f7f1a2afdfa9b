package hclfmt_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template/hclfmt"
)

const (
	messy = "source \"null\" \"a\" {\ncommunicator=\"none\"\n}\n"
	tidy  = "source \"null\" \"a\" {\n  communicator = \"none\"\n}\n"
)

// tree writes files (path → content) under a new temporary folder, makes
// it the working directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func run(t *testing.T, f *hclfmt.Formatter, paths ...string) (string, hclfmt.Result, hcl.Diagnostics) {
	t.Helper()
	var out bytes.Buffer
	f.Out = &out
	res, diags := f.Format(t.Context(), paths)
	return out.String(), res, diags
}

func TestSource(t *testing.T) {
	got, diags := hclfmt.Source([]byte(messy), "t.pkr.hcl")
	if diags.HasErrors() || string(got) != tidy {
		t.Fatalf("Source = %q, %v", got, diags)
	}
	_, diags = hclfmt.Source([]byte("a = {{ x }}\n"), "bad.pkr.hcl")
	if !diags.HasErrors() || diags[0].Subject.Filename != "bad.pkr.hcl" || diags[0].Subject.Start.Line != 1 {
		t.Fatalf("Source of a broken file: %v", diags)
	}
}

func TestWriteRewritesChangedFiles(t *testing.T) {
	tree(t, map[string]string{"a.pkr.hcl": messy, "b.pkr.hcl": tidy, "v.pkrvars.hcl": "x=1\n"})
	out, res, diags := run(t, &hclfmt.Formatter{Write: true}, ".")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if out != "a.pkr.hcl\nv.pkrvars.hcl\n" {
		t.Errorf("output %q", out)
	}
	if diff := cmp.Diff([]string{"a.pkr.hcl", "v.pkrvars.hcl"}, res.Changed); diff != "" {
		t.Error(diff)
	}
	if read(t, "a.pkr.hcl") != tidy || read(t, "b.pkr.hcl") != tidy || read(t, "v.pkrvars.hcl") != "x = 1\n" {
		t.Error("files not formatted in place")
	}
}

func TestWriteKeepsPermissions(t *testing.T) {
	tree(t, map[string]string{"a.pkr.hcl": messy})
	if err := os.Chmod("a.pkr.hcl", 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, diags := run(t, &hclfmt.Formatter{Write: true}, "a.pkr.hcl"); len(diags) > 0 {
		t.Fatal(diags)
	}
	st, err := os.Stat("a.pkr.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", st.Mode().Perm())
	}
}

func TestNoWriteOnlyLists(t *testing.T) {
	tree(t, map[string]string{"a.pkr.hcl": messy})
	out, res, diags := run(t, &hclfmt.Formatter{}, "a.pkr.hcl")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if out != "a.pkr.hcl\n" || len(res.Changed) != 1 {
		t.Errorf("output %q, result %+v", out, res)
	}
	if read(t, "a.pkr.hcl") != messy {
		t.Error("file written without Write")
	}
}

func TestDiff(t *testing.T) {
	tree(t, map[string]string{"d/a.pkr.hcl": messy})
	out, _, diags := run(t, &hclfmt.Formatter{Diff: true}, "d")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := "d/a.pkr.hcl\n" +
		"--- old/d/a.pkr.hcl\n+++ new/d/a.pkr.hcl\n" +
		"@@ -1,3 +1,3 @@\n source \"null\" \"a\" {\n-communicator=\"none\"\n+  communicator = \"none\"\n }\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestRecursive(t *testing.T) {
	files := map[string]string{
		"top.pkr.hcl":          messy,
		"sub/a.pkr.hcl":        messy,
		"sub/deeper/b.pkr.hcl": messy,
		"sub/ok.pkr.hcl":       tidy,
		"z.pkrvars.hcl":        "x=1\n",
	}
	tree(t, files)
	out, _, diags := run(t, &hclfmt.Formatter{}, ".")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if out != "top.pkr.hcl\nz.pkrvars.hcl\n" {
		t.Errorf("without Recursive: %q", out)
	}
	out, _, diags = run(t, &hclfmt.Formatter{Recursive: true}, ".")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	// Entries are taken in name order, folders where they sort.
	if want := "sub/a.pkr.hcl\nsub/deeper/b.pkr.hcl\ntop.pkr.hcl\nz.pkrvars.hcl\n"; out != want {
		t.Errorf("Recursive: %q, want %q", out, want)
	}
}

func TestFolderSkipsIgnoredNames(t *testing.T) {
	dir := tree(t, map[string]string{
		".hidden.pkr.hcl":       messy,
		"#lock.pkr.hcl#":        messy,
		"#emacs#/a.pkr.hcl":     messy,
		".git/a.pkr.hcl":        messy,
		"backup~/a.pkr.hcl":     messy,
		"template.json":         `{"builders":[]}`,
		"notes.hcl":             "a=1\n",
		"kept.pkr.hcl":          messy,
		"sub/.also.pkrvars.hcl": "x=1\n",
		"sub/vars.pkrvars.hcl":  "x=1\n",
	})
	out, _, diags := run(t, &hclfmt.Formatter{Recursive: true}, dir)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := filepath.Join(dir, "kept.pkr.hcl") + "\n" + filepath.Join(dir, "sub", "vars.pkrvars.hcl") + "\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}

	// Named explicitly, an ignored name is formatted.
	out, _, diags = run(t, &hclfmt.Formatter{}, ".hidden.pkr.hcl")
	if len(diags) > 0 || out != ".hidden.pkr.hcl\n" {
		t.Errorf("explicit hidden file: %q, %v", out, diags)
	}
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		".x.pkr.hcl": true, ".": true, "x.pkr.hcl~": true, "#x#": true, "#x.pkr.hcl#": true,
		"x.pkr.hcl": false, "#x": false, "x#": false, "a~b": false,
	} {
		if got := hclfmt.Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v", name, got)
		}
	}
}

func TestIsHCLFile(t *testing.T) {
	for name, want := range map[string]bool{
		"a.pkr.hcl": true, "d/v.pkrvars.hcl": true, "a.hcl": false, "a.pkr.json": false, "a.json": false, "-": false,
	} {
		if got := hclfmt.IsHCLFile(name); got != want {
			t.Errorf("IsHCLFile(%q) = %v", name, got)
		}
	}
}

func TestStdin(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		write      bool
		diff       bool
		wantOut    string
		wantChange bool
	}{
		{name: "changed, written to stdout", in: messy, write: true, wantOut: tidy, wantChange: true},
		{name: "changed, no diff for stdin", in: messy, write: true, diff: true, wantOut: tidy, wantChange: true},
		{name: "changed without Write: nothing printed", in: messy, wantOut: "", wantChange: true},
		{name: "unchanged is echoed", in: tidy, write: true, wantOut: tidy},
		{name: "unchanged is echoed without Write", in: tidy, wantOut: tidy},
		{name: "empty", in: "", write: true, wantOut: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &hclfmt.Formatter{Write: tt.write, Diff: tt.diff, Stdin: strings.NewReader(tt.in)}
			out, res, diags := run(t, f, "-")
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			if out != tt.wantOut {
				t.Errorf("output %q, want %q", out, tt.wantOut)
			}
			if got := len(res.Changed) == 1; got != tt.wantChange {
				t.Errorf("changed = %v", res.Changed)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tree(t, map[string]string{
		"bad.pkr.hcl":  "a = \"x\nb = 2\n",
		"good.pkr.hcl": messy,
		"t.json":       "{}",
	})
	out, res, diags := run(t, &hclfmt.Formatter{Write: true}, "t.json", "missing.pkr.hcl", "bad.pkr.hcl", "good.pkr.hcl")
	// The good file is still processed.
	if out != "good.pkr.hcl\n" || read(t, "good.pkr.hcl") != tidy || len(res.Changed) != 1 {
		t.Errorf("output %q, result %+v", out, res)
	}
	if read(t, "bad.pkr.hcl") == tidy {
		t.Error("broken file rewritten")
	}
	type d struct{ Summary, Detail string }
	var got []d
	for _, diag := range diags {
		if diag.Severity != hcl.DiagError || diag.Subject != nil {
			t.Errorf("diagnostic %v: want an error without a subject", diag)
		}
		got = append(got, d{diag.Summary, diag.Detail})
	}
	_, parse := hclfmt.Source([]byte(read(t, "bad.pkr.hcl")), "bad.pkr.hcl")
	var list strings.Builder
	for _, e := range parse.Errs() {
		list.WriteString("\n\t* " + e.Error())
	}
	want := []d{
		{"encountered an error while formatting t.json", "file t.json is not a HCL file"},
		{"encountered an error while formatting missing.pkr.hcl", "failed to open missing.pkr.hcl: open missing.pkr.hcl: no such file or directory"},
		{"encountered an error while formatting bad.pkr.hcl", "3 errors occurred:" + list.String() + "\n\n"},
	}
	if len(parse.Errs()) != 3 {
		t.Fatalf("test file should have 3 syntax errors, has %v", parse)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if !strings.Contains(got[2].Detail, "\t* bad.pkr.hcl:1,7-2,1: Invalid multi-line string;") {
		t.Errorf("parse error not located: %q", got[2].Detail)
	}
}

func TestOneSyntaxError(t *testing.T) {
	f := &hclfmt.Formatter{Stdin: strings.NewReader("a = {{ x }}\n")}
	_, _, diags := run(t, f, "-")
	if len(diags) != 1 {
		t.Fatal(diags)
	}
	want := "1 error occurred:\n\t* -:1,10-11: Missing key/value separator; Expected an equals sign (\"=\") to mark the beginning of the attribute value.\n\n"
	if diags[0].Summary != "encountered an error while formatting -" || diags[0].Detail != want {
		t.Errorf("got %q / %q", diags[0].Summary, diags[0].Detail)
	}
}

func TestUnreadableFolderStopsTheRun(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every folder")
	}
	tree(t, map[string]string{"locked/a.pkr.hcl": messy, "z.pkr.hcl": messy})
	if err := os.Chmod("locked", 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod("locked", 0o755) })
	out, _, diags := run(t, &hclfmt.Formatter{}, "locked", "z.pkr.hcl")
	if out != "" || len(diags) != 1 || diags[0].Summary != "Cannot read hcl directory" {
		t.Errorf("output %q, diagnostics %v", out, diags)
	}
}

func TestInterrupted(t *testing.T) {
	tree(t, map[string]string{"a.pkr.hcl": messy})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	f := &hclfmt.Formatter{Write: true, Out: &out}
	_, diags := f.Format(ctx, []string{".", "a.pkr.hcl"})
	if !diags.HasErrors() || len(diags) != 1 || out.Len() != 0 || read(t, "a.pkr.hcl") != messy {
		t.Errorf("output %q, diagnostics %v", out.String(), diags)
	}
}
