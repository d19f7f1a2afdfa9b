package hcl2_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
)

// FuzzLoad loads arbitrary bytes as a template file (.pkr.hcl, or
// .pkr.json when asJSON) the way kiln validate does — parsing, variables,
// locals, data sources, sources and builds, with fake components — and
// prints the diagnostics. Whatever the input, the loader must not panic,
// and every error must be reported as a diagnostic.
//
// Seeds: the fixtures of testdata and the HCL2 files of the corpus (and
// the _expected outputs of fmt and hcl2_upgrade there). Crashers found are
// kept in testdata/fuzz/FuzzLoad.
//
//	go test -run '^$' -fuzz=FuzzLoad -fuzztime=10m ./template/hcl2/
func FuzzLoad(f *testing.F) {
	var seeds []string
	for _, kind := range []string{"valid", "errors", "warnings"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", kind, "*.pkr.*"))
		seeds = append(seeds, paths...)
	}
	err := filepath.WalkDir(testenv.Corpus(f), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".pkr.hcl") || strings.HasSuffix(p, ".pkr.json") || strings.HasSuffix(p, ".pkrvars.hcl") {
			seeds = append(seeds, p)
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, strings.HasSuffix(p, ".json"))
	}

	f.Fuzz(func(t *testing.T, src []byte, asJSON bool) {
		dir := t.TempDir()
		name := "fuzz.pkr.hcl"
		if asJSON {
			name = "fuzz.pkr.json"
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		opts := template.Options{
			Registry:          rec.registry(),
			Getenv:            env(map[string]string{"HOME": "/home/fuzz"}),
			WarnUndeclaredVar: true,
		}
		tpl, diags := hcl2.Load(context.Background(), path, opts)
		var files map[string]*hcl.File
		if tpl != nil {
			files = tpl.Files
		}
		// hcl's writer scans the file from its start for each diagnostic:
		// hundreds of errors in a large input take longer than the 10 s a
		// fuzz input may take. The first ones are enough to check it.
		shown := diags
		if len(shown) > 20 {
			shown = shown[:20]
		}
		var out bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&out, files, 80, false).WriteDiagnostics(shown); err != nil {
			t.Fatalf("writing the diagnostics: %v", err)
		}
		for _, d := range diags {
			if d == nil {
				t.Fatal("a nil diagnostic")
			}
		}
	})
}
