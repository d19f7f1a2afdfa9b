package legacy

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/template"
)

// corpusDir finds the corpus of real templates with Packer's recorded
// outcomes: a shared/corpus folder next to the repository or one of its
// parents, else $KILN_CORPUS. Without it the test is skipped, except in CI
// where it fails.
func corpusDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("KILN_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			root = wd
			break
		}
		root = parent
	}
	for d := root; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", "corpus")
		if fi, err := os.Stat(filepath.Join(c, "EXPECTED.tsv")); err == nil && !fi.IsDir() {
			return c
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("corpus not found: no shared/corpus above the repository and KILN_CORPUS is not set")
	}
	t.Skip("corpus not found: no shared/corpus above the repository and KILN_CORPUS is not set")
	return ""
}

// readTSV reads a corpus table as one map per row, keyed by column name.
func readTSV(t *testing.T, path string) []map[string]string {
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
