package legacy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

// FuzzLoad loads arbitrary bytes as a legacy JSON template the way kiln
// validate does (with fake components of every type Packer had when it
// recorded the corpus), prints the diagnostics, and upgrades the template
// to HCL2 as kiln hcl2_upgrade does. Whatever the input, neither may
// panic.
//
// Seeds: testdata and the JSON templates of the corpus. Crashers found
// are kept in testdata/fuzz/FuzzLoad.
//
//	go test -run '^$' -fuzz=FuzzLoad -fuzztime=10m ./template/legacy/
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	dir := corpusDir(f)
	for _, row := range readTSV(f, filepath.Join(dir, "HCL2_UPGRADE.tsv")) {
		seeds = append(seeds, filepath.Join(dir, row["path"]))
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.json")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := template.Options{Registry: packerRecordingRegistry(), Getenv: func(string) string { return "" }}
		tpl, diags := Load(context.Background(), path, opts)
		var files map[string]*hcl.File
		if tpl != nil {
			files = tpl.Files
		}
		var out bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&out, files, 80, false).WriteDiagnostics(diags); err != nil {
			t.Fatalf("writing the diagnostics: %v", err)
		}

		parsed, err := Parse(src)
		if err != nil {
			return
		}
		parsed.Path = path
		res := Upgrade(parsed, UpgradeOptions{
			HasBuilder: func(typ string) bool { return typ == "docker" || typ == "file" || typ == "null" },
			Getenv:     func(string) string { return "" },
		})
		if res == nil {
			t.Fatal("no upgrade result")
		}
	})
}
