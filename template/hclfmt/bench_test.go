package hclfmt_test

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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

// corpusSources reads every HCL file of the corpus, for the benchmarks.
func corpusSources(b *testing.B) (paths []string, srcs [][]byte, size int64) {
	b.Helper()
	dir := corpusDir(b)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !hclfmt.IsHCLFile(p) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		paths, srcs, size = append(paths, p), append(srcs, src), size+int64(len(src))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return paths, srcs, size
}

// BenchmarkSourceCorpus formats every corpus file in turn, on one core:
// the cost of parsing and formatting real templates.
func BenchmarkSourceCorpus(b *testing.B) {
	paths, srcs, size := corpusSources(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for i, src := range srcs {
			_, _ = hclfmt.Source(src, paths[i])
		}
	}
}

// BenchmarkFormatCorpus runs `fmt -check -recursive` over the whole corpus
// folder: walking, reading, parsing and formatting on every core.
func BenchmarkFormatCorpus(b *testing.B) {
	dir := corpusDir(b)
	_, _, size := corpusSources(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		f := &hclfmt.Formatter{Recursive: true, Out: io.Discard}
		res, _ := f.Format(b.Context(), []string{dir})
		if len(res.Changed) == 0 {
			b.Fatal("nothing would change")
		}
	}
}
