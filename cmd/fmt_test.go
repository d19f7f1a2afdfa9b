package cmd

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

const (
	fmtMessy = "variable \"a\" {\ndefault=\"x\"\n}\n"
	fmtTidy  = "variable \"a\" {\n  default = \"x\"\n}\n"
)

// runKiln runs the command line with stdin and returns the exit code and
// the two streams.
func runKiln(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code := Run(t.Context(), append([]string{"kiln"}, args...), streams, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

func fmtFiles(t *testing.T, files map[string]string) {
	t.Helper()
	t.Chdir(t.TempDir())
	for name, content := range files {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fileContent(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFmtWritesByDefault(t *testing.T) {
	fmtFiles(t, map[string]string{"a.pkr.hcl": fmtMessy, "b.pkr.hcl": fmtTidy})
	code, out, errOut := runKiln(t, "", "fmt", ".")
	if code != 0 || out != "a.pkr.hcl\n" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if fileContent(t, "a.pkr.hcl") != fmtTidy {
		t.Error("a.pkr.hcl not rewritten")
	}
}

func TestFmtCheck(t *testing.T) {
	fmtFiles(t, map[string]string{"a.pkr.hcl": fmtMessy})
	// -check lists, never writes (even with -write=true), and exits 3.
	code, out, _ := runKiln(t, "", "fmt", "-check", "-write=true", "a.pkr.hcl")
	if code != exitFmtCheck || out != "a.pkr.hcl\n" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if fileContent(t, "a.pkr.hcl") != fmtMessy {
		t.Error("-check wrote the file")
	}
	if err := os.WriteFile("a.pkr.hcl", []byte(fmtTidy), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runKiln(t, "", "fmt", "-check", "a.pkr.hcl"); code != 0 || out != "" {
		t.Errorf("formatted file: exit %d, stdout %q", code, out)
	}
}

func TestFmtWriteFalse(t *testing.T) {
	fmtFiles(t, map[string]string{"a.pkr.hcl": fmtMessy})
	code, out, _ := runKiln(t, "", "fmt", "-write=false", "a.pkr.hcl")
	if code != 0 || out != "a.pkr.hcl\n" || fileContent(t, "a.pkr.hcl") != fmtMessy {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}

func TestFmtDiff(t *testing.T) {
	fmtFiles(t, map[string]string{"a.pkr.hcl": fmtMessy})
	code, out, _ := runKiln(t, "", "fmt", "-diff", "-write=false", "a.pkr.hcl")
	want := "a.pkr.hcl\n--- old/a.pkr.hcl\n+++ new/a.pkr.hcl\n@@ -1,3 +1,3 @@\n variable \"a\" {\n-default=\"x\"\n+  default = \"x\"\n }\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout:\n%s\nwant:\n%s", code, out, want)
	}
}

func TestFmtRecursive(t *testing.T) {
	fmtFiles(t, map[string]string{"a.pkr.hcl": fmtMessy})
	if err := os.Mkdir("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("sub/b.pkrvars.hcl", []byte("x=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := runKiln(t, "", "fmt", "-check", "."); out != "a.pkr.hcl\n" {
		t.Errorf("not recursive: %q", out)
	}
	if _, out, _ := runKiln(t, "", "fmt", "-check", "-recursive", "."); out != "a.pkr.hcl\nsub/b.pkrvars.hcl\n" {
		t.Errorf("recursive: %q", out)
	}
}

func TestFmtStdin(t *testing.T) {
	tests := []struct {
		args     []string
		in       string
		wantCode int
		wantOut  string
	}{
		{[]string{"fmt", "-"}, fmtMessy, 0, fmtTidy},
		{[]string{"fmt", "-"}, fmtTidy, 0, fmtTidy},
		{[]string{"fmt", "-diff", "-"}, fmtMessy, 0, fmtTidy},
		// As Packer: with -check, changed input is not printed.
		{[]string{"fmt", "-check", "-"}, fmtMessy, exitFmtCheck, ""},
		{[]string{"fmt", "-check", "-"}, fmtTidy, 0, fmtTidy},
	}
	for _, tt := range tests {
		code, out, errOut := runKiln(t, tt.in, tt.args...)
		if code != tt.wantCode || out != tt.wantOut || errOut != "" {
			t.Errorf("%v on %q: exit %d, stdout %q, stderr %q", tt.args, tt.in, code, out, errOut)
		}
	}
}

func TestFmtParseError(t *testing.T) {
	fmtFiles(t, map[string]string{"bad.pkr.hcl": "a = 1\nb = {{ x }}\n", "c.pkr.hcl": fmtMessy})
	code, out, errOut := runKiln(t, "", "fmt", "-check", ".")
	want := "c.pkr.hcl\n" +
		"Error: encountered an error while formatting bad.pkr.hcl\n\n" +
		"1 error occurred:\n" +
		"\t* bad.pkr.hcl:2,10-11: Missing key/value separator; Expected an equals sign\n" +
		"(\"=\") to mark the beginning of the attribute value.\n\n\n\n\n"
	// Errors win over -check's exit 3; diagnostics go to stdout, wrapped
	// at 80 columns, after the file names.
	if code != exitError || out != want || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%q\nwant:\n%q", code, errOut, out, want)
	}
}

func TestFmtNotHCL(t *testing.T) {
	fmtFiles(t, map[string]string{"t.json": "{}"})
	code, out, _ := runKiln(t, "", "fmt", "t.json")
	want := "Error: encountered an error while formatting t.json\n\nfile t.json is not a HCL file\n\n\n"
	if code != exitError || out != want {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}

func TestFmtNeedsAPath(t *testing.T) {
	code, out, errOut := runKiln(t, "", "fmt")
	if code != exitError || !strings.Contains(errOut, "fmt expects at least one path") || !strings.Contains(out, "Usage: kiln fmt") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestFmtMachineReadableErrors(t *testing.T) {
	fmtFiles(t, map[string]string{"t.json": "{}"})
	code, out, _ := runKiln(t, "", "-machine-readable", "fmt", "t.json")
	if code != exitError || !strings.Contains(out, ",,ui,error,Error: encountered an error while formatting t.json\\n") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
}
