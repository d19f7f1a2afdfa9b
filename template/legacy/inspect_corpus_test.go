package legacy

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/ui"
)

// TestCorpusInspect inspects every legacy JSON template of the corpus the
// way Packer was run on it (from the template's folder, no variables) and
// compares the output with Packer's, byte for byte, leaving out the units
// whose output Packer does not reproduce from run to run. The bar is 99%.
func TestCorpusInspect(t *testing.T) {
	dir := corpusDir(t)
	// The Ui logs every message; keep the test output readable.
	log.SetOutput(io.Discard)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	rows := readTSV(t, filepath.Join(dir, "EXPECTED.tsv"))
	unstable := map[string]bool{}
	for _, row := range readTSV(t, filepath.Join(dir, "INSPECT_UNSTABLE.tsv")) {
		unstable[row["path"]] = true
	}
	total, agree := 0, 0
	for _, row := range rows {
		if row["format"] != "json" || unstable[row["path"]] {
			continue
		}
		total++
		full := filepath.Join(dir, row["path"])
		want, err := os.ReadFile(filepath.Join(dir, "_expected", "inspect", row["path"]+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(row["path"], func(t *testing.T) {
			t.Chdir(filepath.Dir(full))
			got, exit := inspectOutput(filepath.Base(full))
			if exit != row["inspect_exit"] {
				t.Errorf("exit %s, Packer %s", exit, row["inspect_exit"])
				return
			}
			if got != string(want) {
				t.Logf("inspect differs from Packer's:\n%s", cmp.Diff(string(want), got))
				return
			}
			agree++
		})
	}
	if total == 0 {
		t.Fatal("no stable JSON unit in EXPECTED.tsv")
	}
	pct := 100 * float64(agree) / float64(total)
	t.Logf("inspect output identical to Packer's on %d of %d stable JSON templates (%.1f%%)", agree, total, pct)
	if pct < 99 {
		t.Errorf("agreement %.1f%% is below 99%%", pct)
	}
}

// inspectOutput is what inspect prints for the template at path, and its
// exit status.
func inspectOutput(path string) (string, string) {
	var out bytes.Buffer
	scrub := ui.NewScrubber()
	u := ui.NewBasic(ui.BasicOptions{Out: &out, Scrubber: scrub})
	c, _, diags := LoadConfig(path, template.Options{Getenv: func(string) string { return "" }})
	if diags.HasErrors() {
		for _, d := range diags {
			u.Error(strings.TrimSpace(d.Summary + "\n" + d.Detail))
		}
		return out.String(), "1"
	}
	_ = c.Initialize()
	scrub.Add(c.Secrets...)
	c.Template.Inspect(u)
	return out.String(), "0"
}
