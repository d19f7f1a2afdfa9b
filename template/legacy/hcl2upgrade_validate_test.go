package legacy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
)

// TestCorpusHCL2UpgradeLoads upgrades every corpus JSON template on which
// Packer's hcl2_upgrade succeeded, with kiln's own builders, writes the
// result (with the annotations, so the comments are checked too) into a
// temporary folder and loads it as kiln validate -syntax-only does: the
// upgrade must succeed and its output must parse.
func TestCorpusHCL2UpgradeLoads(t *testing.T) {
	dir := corpusDir(t)
	rows := readTSV(t, filepath.Join(dir, "HCL2_UPGRADE.tsv"))
	reg := components.Default()
	var tried, ok, validated int
	for _, row := range rows {
		if row["hcl2_upgrade_exit"] != "0" {
			continue
		}
		tried++
		t.Run(row["path"], func(t *testing.T) {
			for _, annotate := range []bool{false, true} {
				res, err := UpgradeFile(filepath.Join(dir, row["path"]), UpgradeOptions{
					WithAnnotations: annotate,
					HasBuilder: func(typ string) bool {
						_, ok := reg.Builders[typ]
						return ok
					},
					Getenv: func(string) string { return "" },
				})
				if err != nil {
					t.Fatalf("upgrade: %v", err)
				}
				if res.Failed {
					t.Fatalf("upgrade failed: %q", res.Messages)
				}
				out := filepath.Join(t.TempDir(), "upgraded.pkr.hcl")
				body := res.HCL
				if annotate {
					body = append([]byte(UpgradeHeader), body...)
				}
				if err := os.WriteFile(out, body, 0o644); err != nil {
					t.Fatal(err)
				}
				tpl, diags := hcl2.Load(context.Background(), out, template.Options{
					SyntaxOnly: true,
					Getenv:     func(string) string { return "" },
					Registry:   reg,
				})
				if diags.HasErrors() {
					var files map[string]*hcl.File
					if tpl != nil {
						files = tpl.Files
					}
					t.Fatalf("annotations %v: the upgraded template does not pass -syntax-only:\n%s\n%s",
						annotate, renderDiags(files, diags), body)
				}
			}
			// A template kiln validates must give a twin kiln validates,
			// loaded from the template's folder as Packer's runs were.
			t.Chdir(filepath.Dir(filepath.Join(dir, row["path"])))
			opts := template.Options{Getenv: func(string) string { return "" }, Registry: reg}
			if _, diags := Load(context.Background(), filepath.Base(row["path"]), opts); diags.HasErrors() {
				ok++
				return
			}
			validated++
			res, err := UpgradeFile(filepath.Base(row["path"]), UpgradeOptions{HasBuilder: func(string) bool { return true }, Getenv: opts.Getenv})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "twin.pkr.hcl")
			if err := os.WriteFile(out, res.HCL, 0o644); err != nil {
				t.Fatal(err)
			}
			tpl, diags := hcl2.Load(context.Background(), out, opts)
			if diags.HasErrors() {
				t.Fatalf("the template validates, its upgraded twin does not:\n%s\n%s", renderDiags(tpl.Files, diags), res.HCL)
			}
			ok++
		})
	}
	t.Logf("hcl2_upgrade output passes -syntax-only on %d of %d templates Packer upgraded; %d of them validate fully, and so do their twins", ok, tried, validated)
	if tried == 0 {
		t.Fatal("no template in HCL2_UPGRADE.tsv that Packer upgraded")
	}
}

// renderDiags prints diagnostics as kiln validate does.
func renderDiags(files map[string]*hcl.File, diags hcl.Diagnostics) string {
	var b strings.Builder
	_ = hcl.NewDiagnosticTextWriter(&b, files, 80, false).WriteDiagnostics(diags)
	return b.String()
}
