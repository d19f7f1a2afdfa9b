package hcl2

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/kilnbuild/kiln/internal/testenv"
)

// blocks returns n small top-level blocks, about 60 bytes each.
func blocks(n int, prefix string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "variable \"%s%d\" {\n  default = \"value-${%d}\"\n}\n", prefix, i, i)
	}
	return b.String()
}

// localLines returns n arguments of a locals block, some using the one
// before.
func localLines(n int, prefix string) string {
	var b strings.Builder
	for i := range n {
		if i%7 == 3 {
			fmt.Fprintf(&b, "  %s%d = \"${local.%s%d}-${var.v%d}\"\n", prefix, i, prefix, i-1, i)
			continue
		}
		fmt.Fprintf(&b, "  %s%d = \"${var.v%d}-x\"\n", prefix, i, i)
	}
	return b.String()
}

// sameAsWholeParse checks that parseConfig gives what a whole parse
// gives: the same body, the same diagnostics, the same context for every
// offset, and tells whether the file was parsed in pieces.
func sameAsWholeParse(t *testing.T, src string) (inPieces bool) {
	t.Helper()
	want, wantDiags := hclsyntax.ParseConfig([]byte(src), "t.pkr.hcl", hcl.InitialPos)
	got, gotDiags := parseConfig([]byte(src), "t.pkr.hcl")
	if !reflect.DeepEqual(got.Body, want.Body) {
		t.Errorf("the bodies differ")
	}
	if !reflect.DeepEqual(gotDiags, wantDiags) {
		t.Errorf("diagnostics %v, want %v", gotDiags, wantDiags)
	}
	if string(got.Bytes) != src {
		t.Errorf("the file's bytes are not the source")
	}
	type navigator interface {
		ContextString(int) string
		ContextDefRange(int) hcl.Range
	}
	gotNav, wantNav := got.Nav.(navigator), want.Nav.(navigator)
	for off := 0; off < len(src); off += max(97, len(src)/3000) {
		if g, w := gotNav.ContextString(off), wantNav.ContextString(off); g != w {
			t.Fatalf("context at %d: %q, want %q", off, g, w)
		}
		if g, w := gotNav.ContextDefRange(off), wantNav.ContextDefRange(off); g != w {
			t.Fatalf("context range at %d: %v, want %v", off, g, w)
		}
	}
	_, inPieces = got.Nav.(pieceNav)
	return inPieces
}

func TestParseConfigInPieces(t *testing.T) {
	big := blocks(1000, "v")
	tests := []struct {
		name     string
		src      string
		inPieces bool
	}{
		{"small file", blocks(10, "v"), false},
		{"large file", big, true},
		{"large file without a final newline", strings.TrimSuffix(big, "\n"), true},
		{"attributes and comments between blocks", "a = 1\n" + blocks(400, "x") + "# c\nb = [\n  1,\n]\n/* c */\n" + blocks(400, "y") + "c = 3\n", true},
		{"heredoc holding } lines", blocks(400, "x") + "locals {\n  h = <<EOT\n" + strings.Repeat("}\nvariable \"in\" {\n", 2000) + "EOT\n}\n" + blocks(400, "y"), false},
		{"block comment holding } lines", blocks(400, "x") + "/*\n" + strings.Repeat("}\nx = 1\n", 4000) + "*/\n" + blocks(400, "y"), false},
		{"a nested block closed at the first column", "build {\n  provisioner \"a\" {\n" + strings.Repeat("    x = 1\n", 4000) + "}\n" + blocks(400, "y") + "}\n", false},
		{"one attribute set in two pieces", "a = 1\n" + big + "a = 2\n", false},
		{"a syntax error in the last piece", big + "variable \"z\" {\n  default = \n}\n", false},
		{"a syntax error in the first piece", "variable {{\n" + big, false},
		{"CRLF line ends", strings.ReplaceAll(big, "\n", "\r\n"), false},
		{"a large locals block", blocks(200, "x") + "locals {\n" + localLines(3000, "l") + "}\n" + blocks(200, "y"), true},
		{"a large locals block first and last", "locals {\n" + localLines(2000, "a") + "}\n" + blocks(10, "x") + "locals {\n" + localLines(2000, "b") + "}\n", true},
		{"a large locals block alone", "locals {\n" + localLines(3000, "l") + "}", true},
		{"large blocks without labels, with comments, maps and nested blocks", "locals {\n" + localLines(1000, "a") +
			"  # a comment\n  m = {\n    k = 1\n  }\n  /* c */\n  n = [\n    1,\n  ]\n  h = <<EOT\n    x = 1\nEOT\n  nested {\n    z = 1\n  }\n" +
			localLines(1000, "b") + "}\nbuild {\n" + strings.Repeat("  provisioner \"shell\" {\n    inline = [\"a\"]\n  }\n", 1000) + "}\n", true},
		{"a map with its arguments indented as the block's", "locals {\n" + localLines(900, "a") + "  m = {\n" + localLines(900, "b") + "  }\n" + localLines(900, "c") + "}\n", false},
		{"a heredoc holding argument lines", "locals {\n" + localLines(900, "a") + "  h = <<EOT\n" + localLines(900, "b") + "EOT\n" + localLines(900, "c") + "}\n", false},
		{"one argument set in two pieces of a block", "locals {\n" + localLines(1000, "a") + localLines(1000, "b") + "  a1 = 2\n}\n", false},
		{"a syntax error in a block's piece", "locals {\n" + localLines(1000, "a") + "  x = \n" + localLines(1000, "b") + "}\n", false},
		{"a block header with labels", "locals \"x\" {\n" + localLines(3000, "l") + "}\n", false},
		{"an indented block header", "  locals {\n" + localLines(3000, "l") + "}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameAsWholeParse(t, tt.src); got != tt.inPieces {
				t.Errorf("parsed in pieces: %v, want %v", got, tt.inPieces)
			}
		})
	}
}

// TestParseConfigInPiecesCorpus parses the HCL files of the corpus
// (templates, and Packer's fmt and hcl2_upgrade outputs), one after the
// other in one file of about a megabyte (a file of hundreds of real blocks, with
// heredocs, comments and nested blocks), in pieces and whole.
func TestParseConfigInPiecesCorpus(t *testing.T) {
	var all strings.Builder
	err := filepath.WalkDir(testenv.Corpus(t), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".pkr.hcl") || all.Len() > 1<<20 {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// Files that parse, without top-level attributes (two files
		// setting one would be an error in one file).
		f, diags := hclsyntax.ParseConfig(b, p, hcl.InitialPos)
		if diags.HasErrors() || len(f.Body.(*hclsyntax.Body).Attributes) > 0 {
			return nil
		}
		all.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			all.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sameAsWholeParse(t, all.String()) {
		t.Errorf("the corpus (%d bytes) was not parsed in pieces", all.Len())
	}
}

// FuzzParseConfig checks that parseConfig gives what a whole parse gives
// for any text between a few hundred blocks, and among the arguments of a
// large locals block (so that the file is large enough to be cut, and
// cuts fall before, inside and after the text).
//
//	go test -run '^$' -fuzz=FuzzParseConfig -fuzztime=10m ./template/hcl2/
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"", "a = 1\n", "}\n", "/*\n}\n", "x = <<EOT\n}\nvariable \"v\" {\nEOT\n",
		"build {\n}\nsource \"a\" \"b\" {\n  x = \"${y}\"\n}\n", "locals {\n  a = {\n}\n}\n",
		"}\nlocals {\n", "  a = 1\n}\n  b = 2\n", "  a = <<EOT\n  b = 1\nEOT\n", "  a = (\n  b = 1\n  )\n",
	} {
		f.Add(s)
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "*.pkr.hcl"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	pad := blocks(300, "pad")
	lines := localLines(700, "pad")
	f.Fuzz(func(t *testing.T, text string) {
		sameAsWholeParse(t, pad+text+"\n"+pad)
		// And among the arguments of a large locals block.
		sameAsWholeParse(t, pad+"locals {\n"+lines+text+"\n"+lines+"}\n"+pad)
	})
}
