package legacy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// upgradeCorpus runs Upgrade on every JSON template of HCL2_UPGRADE.tsv
// with the builders Packer had when it recorded the corpus (file, null
// and the docker plugin), and reports the exit code, the first line and
// the output compared with Packer's.
func upgradeCorpus(t *testing.T) (total, exitAgree, lineAgree, sameBytes int) {
	dir := corpusDir(t)
	rows := readTSV(t, filepath.Join(dir, "HCL2_UPGRADE.tsv"))
	recorded := map[string]bool{"file": true, "null": true, "docker": true}
	opts := UpgradeOptions{
		HasBuilder:    func(typ string) bool { return recorded[typ] },
		Getenv:        func(string) string { return "" },
		packerDefects: true,
	}
	for _, row := range rows {
		total++
		path := filepath.Join(dir, row["path"])
		exit, first := "0", "Successfully created OUT. Exit 0"
		var out []byte
		res, err := UpgradeFile(path, opts)
		switch {
		case err != nil:
			exit, first = "1", ParseFailedSummary
		default:
			out = res.HCL
			if res.Failed {
				exit = "1"
			}
			if len(res.Messages) > 0 {
				first = strings.SplitN(res.Messages[0], "\n", 2)[0]
			} else {
				first = "Successfully created OUT. Exit " + exit
			}
		}
		if exit == row["hcl2_upgrade_exit"] {
			exitAgree++
		} else {
			t.Logf("%s: exit %s, packer %s", row["path"], exit, row["hcl2_upgrade_exit"])
		}
		if strings.TrimSpace(first) == row["first_line"] {
			lineAgree++
		} else {
			t.Logf("%s: first line %q, packer %q", row["path"], first, row["first_line"])
		}
		want, err := os.ReadFile(filepath.Join(dir, "_expected", "hcl2_upgrade", row["path"]+".pkr.hcl"))
		if err != nil {
			t.Errorf("%s: %v", row["path"], err)
			continue
		}
		if bytes.Equal(want, out) {
			sameBytes++
		} else {
			t.Logf("%s: output differs from packer's", row["path"])
		}
	}
	return total, exitAgree, lineAgree, sameBytes
}

// TestCorpusHCL2Upgrade compares hcl2_upgrade with Packer's recorded runs:
// kiln agrees on every exit code and first line and, with Packer's defects
// (those kiln fixes, see Upgrade), writes byte-identical files.
func TestCorpusHCL2Upgrade(t *testing.T) {
	total, exitAgree, lineAgree, sameBytes := upgradeCorpus(t)
	pct := func(n int) float64 { return 100 * float64(n) / float64(total) }
	t.Logf("hcl2_upgrade on %d JSON templates: exit code agreement %d (%.1f%%), first line %d (%.1f%%), byte-identical output %d (%.1f%%)",
		total, exitAgree, pct(exitAgree), lineAgree, pct(lineAgree), sameBytes, pct(sameBytes))
	if exitAgree < total {
		t.Errorf("exit code agreement %d/%d, want all", exitAgree, total)
	}
	if lineAgree < total {
		t.Errorf("first line agreement %d/%d, want all", lineAgree, total)
	}
	if sameBytes < total {
		t.Errorf("byte-identical outputs %d/%d, want all", sameBytes, total)
	}
}
