package legacy

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/template"
)

func corpusDir(t testing.TB) string { return testenv.Corpus(t) }

// readTSV reads a corpus table as one map per row, keyed by column name.
func readTSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var header []string
	var rows []map[string]string
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if header == nil {
			header = cols
			continue
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(cols) {
				row[h] = cols[i]
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCorpusSyntaxOnly loads every legacy JSON template of the corpus with
// SyntaxOnly and checks that it fails exactly when Packer's
// validate -syntax-only did. The bar is 99% agreement.
func TestCorpusSyntaxOnly(t *testing.T) {
	dir := corpusDir(t)
	rows := readTSV(t, filepath.Join(dir, "EXPECTED.tsv"))
	total, agree := 0, 0
	for _, row := range rows {
		if row["format"] != "json" {
			continue
		}
		total++
		path := filepath.Join(dir, row["path"])
		_, diags := Load(context.Background(), path, template.Options{SyntaxOnly: true})
		wantErr := row["syntax_exit"] != "0"
		if diags.HasErrors() == wantErr {
			agree++
			continue
		}
		t.Logf("%s: packer syntax_exit=%s, kiln diagnostics: %v", row["path"], row["syntax_exit"], diags)
	}
	if total == 0 {
		t.Fatal("no JSON template in EXPECTED.tsv")
	}
	pct := 100 * float64(agree) / float64(total)
	t.Logf("validate -syntax-only agreement on %d JSON templates: %d (%.1f%%)", total, agree, pct)
	if pct < 99 {
		t.Errorf("agreement %.1f%% is below 99%%", pct)
	}
}

// packerRecordingRegistry has fake components of the types the Packer that
// recorded the corpus had (its bundled components and the docker plugin);
// they accept any configuration.
func packerRecordingRegistry() *components.Registry {
	rec := &recorder{}
	reg := &components.Registry{
		Builders:       map[string]func() sdk.Builder{},
		Provisioners:   map[string]func() sdk.Provisioner{},
		PostProcessors: map[string]func() sdk.PostProcessor{},
	}
	for _, typ := range []string{"file", "null", "docker"} {
		reg.Builders[typ] = func() sdk.Builder { return &fakeBuilder{rec: rec, typ: typ} }
	}
	for _, typ := range []string{"breakpoint", "file", "hcp-sbom", "powershell", "shell", "shell-local", "sleep", "windows-restart", "windows-shell"} {
		reg.Provisioners[typ] = func() sdk.Provisioner { return &fakeProvisioner{rec: rec, typ: typ} }
	}
	for _, typ := range []string{"artifice", "checksum", "compress", "manifest", "provenance", "shell-local", "docker-import", "docker-push", "docker-save", "docker-tag"} {
		reg.PostProcessors[typ] = func() sdk.PostProcessor { return &fakePostProcessor{rec: rec, typ: typ} }
	}
	return reg
}

// TestCorpusValidate loads every legacy JSON template of the corpus fully,
// with components of the types Packer had when it recorded the corpus,
// and compares the "Error: ..." lines with Packer's validate output.
// Packer's "Failed to prepare build" lines come from the real components'
// checks of their configuration, which fakes do not make: they are left
// out of the comparison.
func TestCorpusValidate(t *testing.T) {
	dir := corpusDir(t)
	rows := readTSV(t, filepath.Join(dir, "EXPECTED.tsv"))
	total, agree := 0, 0
	for _, row := range rows {
		if row["format"] != "json" {
			continue
		}
		total++
		var want []string
		for _, l := range strings.Split(row["validate_errors"], " | ") {
			if l != "" && !strings.HasPrefix(l, "Error: Failed to prepare build") {
				want = append(want, l)
			}
		}
		path := filepath.Join(dir, row["path"])
		_, diags := Load(context.Background(), path, template.Options{Registry: packerRecordingRegistry(), Getenv: func(string) string { return "" }})
		var got []string
		seen := map[string]bool{}
		for _, d := range diags {
			if d.Severity != hcl.DiagError {
				continue
			}
			l := strings.TrimSpace("Error: " + d.Summary)
			if !seen[l] {
				seen[l] = true
				got = append(got, l)
			}
		}
		sort.Strings(got)
		if cmp.Equal(want, got, cmpopts.EquateEmpty()) {
			agree++
			continue
		}
		t.Logf("%s:\n  packer: %q\n  kiln:   %q", row["path"], want, got)
	}
	pct := 100 * float64(agree) / float64(total)
	t.Logf("validate error agreement on %d JSON templates: %d (%.1f%%)", total, agree, pct)
	if pct < 99 {
		t.Errorf("agreement %.1f%% is below 99%%", pct)
	}
}
