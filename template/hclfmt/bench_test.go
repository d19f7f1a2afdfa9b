package hclfmt_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/template/hclfmt"
)

// largeTemplate returns a template of n sources (about 14n lines), written
// without alignment or indentation so that most lines change.
func largeTemplate(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "variable \"v%d\" {\ntype=string\ndefault=\"value-%d\"\ndescription = \"variable number %d\"\n}\n", i, i, i)
		fmt.Fprintf(&b, "source \"null\" \"s%d\" {\ncommunicator=\"none\"\ntags={\nName=var.v%d\n\"long key\"=\"x\"\n}\n}\n\n", i, i)
	}
	b.WriteString("build {\nsources=[")
	for i := range n {
		fmt.Fprintf(&b, "\"source.null.s%d\",", i)
	}
	b.WriteString("]\nprovisioner \"shell-local\" {\ninline=[\"echo ${source.name}\"]\n}\n}\n")
	return []byte(b.String())
}

func BenchmarkSource(b *testing.B) {
	src := largeTemplate(500)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := hclfmt.Source(src, "large.pkr.hcl"); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

func BenchmarkUnifiedDiff(b *testing.B) {
	src := largeTemplate(500)
	out, diags := hclfmt.Source(src, "large.pkr.hcl")
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if d := hclfmt.UnifiedDiff(src, out, "large.pkr.hcl"); len(d) == 0 {
			b.Fatal("no diff")
		}
	}
}
