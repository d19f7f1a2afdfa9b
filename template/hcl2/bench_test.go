package hcl2_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
)

// sourcesTemplate is the performance-and-pain "validate at scale"
// scenario: n null sources, one build using them all, one provisioner.
func sourcesTemplate(n int) string {
	var b strings.Builder
	var refs []string
	for i := range n {
		fmt.Fprintf(&b, "source \"null\" \"s%d\" {\n  image = \"img-%d\"\n}\n", i, i)
		refs = append(refs, fmt.Sprintf("%q", fmt.Sprintf("source.null.s%d", i)))
	}
	fmt.Fprintf(&b, "build {\n  sources = [%s]\n  provisioner \"shell-local\" {\n    inline = [\"echo ${source.name}\"]\n  }\n}\n", strings.Join(refs, ", "))
	return b.String()
}

// localsTemplate is the "locals scaling" scenario: n variables and n
// locals, each local using a variable and the previous local (a chain as
// deep as the template is long).
func localsTemplate(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "variable \"v%d\" {\n  default = \"%d\"\n}\n", i, i)
	}
	b.WriteString("locals {\n  l0 = var.v0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  l%d = local.l%d == \"\" ? \"\" : \"${var.v%d}-${length(local.l%d)}\"\n", i, i-1, i, i-1)
	}
	fmt.Fprintf(&b, "}\nsource \"null\" \"s\" {\n  image = local.l%d\n}\nbuild {\n  sources = [\"source.null.s\"]\n}\n", n-1)
	return b.String()
}

// varsLocalsTemplate is kilnbench's "locals-3000" scenario: n variables,
// and n locals each using its variable, every 100th also the local before
// it.
func varsLocalsTemplate(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "variable \"v%d\" {\n  default = \"value-%d\"\n}\n", i, i)
	}
	b.WriteString("locals {\n")
	for i := range n {
		if i%100 == 0 && i > 0 {
			fmt.Fprintf(&b, "  l%d = \"${local.l%d}-${var.v%d}\"\n", i, i-1, i)
			continue
		}
		fmt.Fprintf(&b, "  l%d = \"${var.v%d}-x\"\n", i, i)
	}
	b.WriteString("}\n\nsource \"null\" \"n\" {\n  image = local.l2999\n}\n\nbuild {\n  sources = [\"source.null.n\"]\n}\n")
	return b.String()
}

func benchmarkLoad(b *testing.B, src string, wantBuilds int) {
	dir := b.TempDir()
	path := filepath.Join(dir, "t.pkr.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	rec := &recorder{}
	opts := template.Options{Registry: rec.registry(), Getenv: env(nil)}
	b.ReportAllocs()
	for b.Loop() {
		rec.builders, rec.shells = nil, nil
		tpl, diags := hcl2.Load(context.Background(), path, opts)
		if diags.HasErrors() {
			b.Fatal(diags.Error())
		}
		if len(tpl.Builds) != wantBuilds {
			b.Fatalf("%d builds, want %d", len(tpl.Builds), wantBuilds)
		}
	}
}

func BenchmarkValidate1Source(b *testing.B)    { benchmarkLoad(b, sourcesTemplate(1), 1) }
func BenchmarkValidate100Sources(b *testing.B) { benchmarkLoad(b, sourcesTemplate(100), 100) }
func BenchmarkValidate300Sources(b *testing.B) { benchmarkLoad(b, sourcesTemplate(300), 300) }
func BenchmarkValidate3000Locals(b *testing.B) { benchmarkLoad(b, localsTemplate(3000), 1) }
func BenchmarkValidate3000VarsLocals(b *testing.B) {
	benchmarkLoad(b, varsLocalsTemplate(3000), 1)
}

// The scenarios load correctly (and the 3,000 locals chain evaluates to
// the right value), so that the benchmarks measure real work.
func TestBenchmarkTemplates(t *testing.T) {
	dir := writeFiles(t, map[string]string{"s.pkr.hcl": sourcesTemplate(3), "l.pkr.hcl": localsTemplate(50)})
	tpl, _, rec := mustLoad(t, filepath.Join(dir, "s.pkr.hcl"), template.Options{})
	if len(tpl.Builds) != 3 || rec.shells[2].cfg.Inline[0] != "echo s2" {
		t.Errorf("sources: %d builds, %+v", len(tpl.Builds), rec.shells)
	}
	_, _, rec = mustLoad(t, filepath.Join(dir, "l.pkr.hcl"), template.Options{})
	prev := "0"
	for i := 1; i < 50; i++ {
		prev = fmt.Sprintf("%d-%d", i, len(prev))
	}
	if got := rec.builders[0].cfg.Image; got != prev {
		t.Errorf("locals chain: %q, want %q", got, prev)
	}
}
