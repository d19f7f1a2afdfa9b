package hclfmt_test

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/template/hclfmt"
)

func TestUnifiedDiff(t *testing.T) {
	lines := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i) + "\n")
		}
		return b.String()
	}
	num := func(i int) string { return string(rune('a'+i%26)) + strings.Repeat("x", i/26) }
	tests := []struct {
		name, a, b, want string
	}{
		{name: "equal", a: "a\n", b: "a\n", want: ""},
		{
			name: "one line",
			a:    "a=1\n", b: "a = 1\n",
			want: "@@ -1 +1 @@\n-a=1\n+a = 1\n",
		},
		{
			name: "deletions before insertions, context of three",
			a:    "1\n2\n3\n4\nx\ny\n5\n6\n7\n8\n", b: "1\n2\n3\n4\nX\nY\n5\n6\n7\n8\n",
			want: "@@ -2,8 +2,8 @@\n 2\n 3\n 4\n-x\n-y\n+X\n+Y\n 5\n 6\n 7\n",
		},
		{
			name: "insertion into empty file",
			a:    "", b: "a\nb\n",
			want: "@@ -0,0 +1,2 @@\n+a\n+b\n",
		},
		{
			name: "deletion of everything",
			a:    "a\nb\n", b: "",
			want: "@@ -1,2 +0,0 @@\n-a\n-b\n",
		},
		{
			name: "pure insertion after line 3",
			a:    "1\n2\n3\n4\n5\n6\n", b: "1\n2\n3\nnew\n4\n5\n6\n",
			want: "@@ -1,6 +1,7 @@\n 1\n 2\n 3\n+new\n 4\n 5\n 6\n",
		},
		{
			name: "missing final newline",
			a:    "a\nb", b: "a\nb\n",
			want: "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
		{
			name: "six unchanged lines between changes: one hunk",
			a:    "A\n" + lines(6, num) + "B\n", b: "a1\n" + lines(6, num) + "b1\n",
			want: "@@ -1,8 +1,8 @@\n-A\n+a1\n" + prefixed(" ", lines(6, num)) + "-B\n+b1\n",
		},
		{
			name: "seven unchanged lines between changes: two hunks",
			a:    "A\n" + lines(7, num) + "B\n", b: "a1\n" + lines(7, num) + "b1\n",
			want: "@@ -1,4 +1,4 @@\n-A\n+a1\n a\n b\n c\n@@ -6,4 +6,4 @@\n e\n f\n g\n-B\n+b1\n",
		},
		{
			name: "a run slides down to pair with the other side",
			a:    "}\n\nx\n}\n", b: "}\n\ny\n}\n",
			want: "@@ -1,4 +1,4 @@\n }\n \n-x\n+y\n }\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(hclfmt.UnifiedDiff([]byte(tt.a), []byte(tt.b), "t.pkr.hcl"))
			want := ""
			if tt.want != "" {
				want = "--- old/t.pkr.hcl\n+++ new/t.pkr.hcl\n" + tt.want
			}
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			if tool := diffToolOrSkip(t, []byte(tt.a), []byte(tt.b), "t.pkr.hcl"); tool != nil && string(tool) != got {
				t.Errorf("diff -u prints:\n%s", tool)
			}
		})
	}
}

func prefixed(p, s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(p + l)
		}
	}
	return b.String()
}

// TestUnifiedDiffMatchesDiffTool compares with `diff -u` on random small
// edits of HCL-like lines (repeated braces and blank lines make many equally
// short edit scripts, where the choice must be diff's).
func TestUnifiedDiffMatchesDiffTool(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		testenv.SkipUnprepared(t, "no diff tool to compare with (diffutils)")
	}
	rng := rand.New(rand.NewSource(7))
	words := []string{"a = 1\n", "b = 2\n", "c\n", "}\n", "\n", "source \"x\" \"y\" {\n", "  k = v\n"}
	gen := func() []byte {
		var b bytes.Buffer
		for range rng.Intn(30) {
			b.WriteString(words[rng.Intn(len(words))])
		}
		if rng.Intn(5) == 0 {
			b.WriteString("tail")
		}
		return b.Bytes()
	}
	n := 400
	if testing.Short() {
		n = 50
	}
	for range n {
		a := gen()
		b := gen()
		if rng.Intn(2) == 0 {
			var e bytes.Buffer
			for _, l := range bytes.SplitAfter(a, []byte("\n")) {
				if rng.Intn(6) == 0 {
					e.WriteString(words[rng.Intn(len(words))])
				}
				if rng.Intn(6) != 0 {
					e.Write(l)
				}
			}
			b = e.Bytes()
		}
		got, want := hclfmt.UnifiedDiff(a, b, "f"), diffTool(t, a, b, "f")
		if !bytes.Equal(got, want) {
			t.Fatalf("a=%q\nb=%q\ngot:\n%s\nwant:\n%s", a, b, got, want)
		}
	}
}

func diffToolOrSkip(t *testing.T, a, b []byte, name string) []byte {
	if _, err := exec.LookPath("diff"); err != nil {
		return nil
	}
	return diffTool(t, a, b, name)
}

// diffTool runs `diff -u` with Packer's labels.
func diffTool(t testing.TB, a, b []byte, name string) []byte {
	t.Helper()
	dir := t.TempDir()
	fa, fb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(fa, a, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fb, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("diff", "--label=old/"+name, "--label=new/"+name, "-u", fa, fb).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil // differences found
	}
	if err != nil {
		t.Fatalf("diff: %v", err)
	}
	return out
}
