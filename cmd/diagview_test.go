package cmd

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Diagnostics print exactly as hcl's writer prints them, wherever they
// point: each attribute's name with the attribute as context, multi-line
// expressions, blocks, the first byte and the end of the file.
func TestWriteDiagnosticsAsHCL(t *testing.T) {
	src := `# comment
source "null" "a" {
  communicator = "none"
  list = [
    "a", "é",
    "b",
  ]
}

build {
  sources = ["source.null.a"]
  provisioner "shell-local" {
    inline = ["echo ${upper("x")}"]
  }
}
locals { x = 1 }`
	f, diags := hclsyntax.ParseConfig([]byte(src), "t.pkr.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var ds hcl.Diagnostics
	add := func(subject hcl.Range, context *hcl.Range) {
		ds = append(ds, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: fmt.Sprintf("at %s", subject), Detail: "detail",
			Subject: subject.Ptr(), Context: context,
		})
	}
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			add(a.NameRange, a.SrcRange.Ptr())
			add(a.Expr.Range(), nil)
		}
		for _, blk := range b.Blocks {
			add(blk.TypeRange, blk.DefRange().Ptr())
			add(blk.Body.SrcRange, nil)
			walk(blk.Body)
		}
	}
	walk(f.Body.(*hclsyntax.Body))
	eof := hcl.Pos{Line: 16, Column: 17, Byte: len(src)}
	add(hcl.Range{Filename: "t.pkr.hcl", Start: hcl.InitialPos, End: hcl.InitialPos}, nil)
	add(hcl.Range{Filename: "t.pkr.hcl", Start: eof, End: eof}, nil)
	add(hcl.Range{Filename: "other.pkr.hcl", Start: hcl.InitialPos, End: hcl.InitialPos}, nil)
	ds = append(ds, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "no subject"})

	files := map[string]*hcl.File{"t.pkr.hcl": f}
	for _, color := range []bool{false, true} {
		var want, got bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&want, files, 78, color).WriteDiagnostics(ds); err != nil {
			t.Fatal(err)
		}
		if err := writeDiagnostics(&got, files, 78, color, ds); err != nil {
			t.Fatal(err)
		}
		if got.Len() == 0 || got.String() != want.String() {
			t.Errorf("color %v: output differs from hcl's\n got:\n%s\nwant:\n%s", color, got.String(), want.String())
		}
		if !color && (!strings.Contains(got.String(), "in build:") || !strings.Contains(got.String(), `  13:     inline = ["echo ${upper("x")}"]`)) {
			t.Errorf("missing context or source line:\n%s", got.String())
		}
	}
}

// BenchmarkWriteDiagnostics prints 3,000 errors, one per line of a
// 3,000-line file.
func BenchmarkWriteDiagnostics(b *testing.B) {
	var src strings.Builder
	src.WriteString("source \"null\" \"a\" {\n")
	for i := range 3000 {
		fmt.Fprintf(&src, "  bogus%d = %d\n", i, i)
	}
	src.WriteString("}\n")
	f, diags := hclsyntax.ParseConfig([]byte(src.String()), "t.pkr.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	attrs := f.Body.(*hclsyntax.Body).Blocks[0].Body.Attributes
	var ds hcl.Diagnostics
	for _, a := range attrs {
		ds = append(ds, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported argument", Detail: "not expected here",
			Subject: a.NameRange.Ptr(), Context: a.SrcRange.Ptr()})
	}
	files := map[string]*hcl.File{"t.pkr.hcl": f}
	b.ReportAllocs()
	for b.Loop() {
		if err := writeDiagnostics(io.Discard, files, 80, false, ds); err != nil {
			b.Fatal(err)
		}
	}
}
