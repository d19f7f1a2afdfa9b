package cmd

import (
	"bufio"
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/template/legacy"
)

// corpusRow is one row of the corpus's EXPECTED.tsv, by column name.
type corpusRow map[string]string

func readCorpusTable(t *testing.T, path string) []corpusRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var header []string
	var rows []corpusRow
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if header == nil {
			header = cols
			continue
		}
		row := corpusRow{}
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

// unitTypes are the component types a corpus unit uses.
type unitTypes struct {
	builders, provisioners, postProcessors, datasources []string
}

// scanUnit finds the types a unit uses: builders from EXPECTED.tsv's
// builder_types (a static scan made with the corpus); provisioners,
// post-processors and (HCL2) data sources by reading the template (what
// parses of it).
func scanUnit(row corpusRow, full string) unitTypes {
	var u unitTypes
	for _, b := range strings.Split(row["builder_types"], ",") {
		if b = strings.TrimSpace(b); b != "" {
			u.builders = append(u.builders, b)
		}
	}
	if row["format"] == "json" {
		if tpl, err := legacy.ParseFile(full); err == nil {
			_, u.provisioners, u.postProcessors = tpl.ComponentTypes()
		}
		return u
	}
	files := []string{full}
	if row["is_dir"] == "y" {
		files, _ = filepath.Glob(filepath.Join(full, "*.pkr.hcl"))
		more, _ := filepath.Glob(filepath.Join(full, "*.pkr.json"))
		files = append(files, more...)
	}
	p := hclparse.NewParser()
	for _, name := range files {
		var f *hcl.File
		if strings.HasSuffix(name, ".json") {
			f, _ = p.ParseJSONFile(name)
		} else {
			f, _ = p.ParseHCLFile(name)
		}
		if f == nil {
			continue
		}
		top, _, _ := f.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
			{Type: "build"},
			{Type: "data", LabelNames: []string{"type", "name"}},
		}})
		for _, b := range top.Blocks {
			if b.Type == "data" {
				u.datasources = append(u.datasources, b.Labels[0])
				continue
			}
			scanBuild(b.Body, &u)
		}
	}
	return u
}

var buildSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "provisioner", LabelNames: []string{"type"}},
	{Type: "error-cleanup-provisioner", LabelNames: []string{"type"}},
	{Type: "post-processor", LabelNames: []string{"type"}},
	{Type: "post-processors"},
}}

func scanBuild(body hcl.Body, u *unitTypes) {
	content, _, _ := body.PartialContent(buildSchema)
	for _, b := range content.Blocks {
		switch b.Type {
		case "provisioner", "error-cleanup-provisioner":
			u.provisioners = append(u.provisioners, b.Labels[0])
		case "post-processor":
			u.postProcessors = append(u.postProcessors, b.Labels[0])
		case "post-processors":
			scanBuild(b.Body, u)
		}
	}
}

// missing lists the types of u that reg lacks, as "kind type".
func (u unitTypes) missing(reg *components.Registry) []string {
	var out []string
	for _, b := range u.builders {
		if _, ok := reg.Builders[b]; !ok {
			out = append(out, "builder "+b)
		}
	}
	for _, p := range u.provisioners {
		if _, ok := reg.Provisioners[p]; !ok {
			out = append(out, "provisioner "+p)
		}
	}
	for _, p := range u.postProcessors {
		if _, ok := reg.PostProcessors[p]; !ok {
			out = append(out, "post-processor "+p)
		}
	}
	for _, d := range u.datasources {
		if _, ok := reg.Datasources[d]; !ok {
			out = append(out, "data source "+d)
		}
	}
	return out
}

// corpusEnv is the environment units are validated with: the process's,
// without the variables that would change how templates load.
func corpusEnv(k string) string {
	if strings.HasPrefix(k, "PKR_VAR_") || strings.HasPrefix(k, "PACKER_") {
		return ""
	}
	return os.Getenv(k)
}

// TestCorpusValidateCommand runs `kiln validate` in-process on every unit
// of the corpus, from the unit's folder with no -var, as Packer was run,
// and compares the exit status with Packer's. The bar, from the issue:
// agreement on at least 95% of the units whose components kiln has (every
// builder, provisioner, post-processor and data source type the unit uses
// is in components.Default()). The remaining differences are listed in
// docs/compatibility.md.
func TestCorpusValidateCommand(t *testing.T) {
	dir := testenv.Corpus(t)
	rows := readCorpusTable(t, filepath.Join(dir, "EXPECTED.tsv"))
	reg := components.Default()
	log.SetOutput(io.Discard)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	var all, allOK, have, haveOK int
	var diffs []string
	for _, row := range rows {
		full := filepath.Join(dir, strings.TrimSuffix(row["path"], "/"))
		wd, target := full, "."
		if row["is_dir"] != "y" {
			wd, target = filepath.Dir(full), filepath.Base(full)
		}
		missing := scanUnit(row, full).missing(reg)
		t.Run(row["path"], func(t *testing.T) {
			t.Chdir(wd)
			var out bytes.Buffer
			code := Run(t.Context(), []string{"kiln", "validate", target},
				&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out}, corpusEnv)
			got := strconv.Itoa(code)
			all++
			if got == row["validate_exit"] {
				allOK++
			}
			if len(missing) > 0 {
				return
			}
			have++
			if got == row["validate_exit"] {
				haveOK++
				return
			}
			diffs = append(diffs, row["path"])
			t.Logf("exit %s, Packer %s (Packer's errors: %q)\n%s", got, row["validate_exit"], row["validate_errors"], out.String())
		})
	}
	if have == 0 {
		t.Fatal("no corpus unit uses only components kiln has")
	}
	sort.Strings(diffs)
	pct := func(n, d int) float64 { return 100 * float64(n) / float64(d) }
	t.Logf("kiln validate exit status agrees with Packer's on %d of %d units whose components kiln has (%.1f%%), "+
		"and on %d of %d units in all (%.1f%%)", haveOK, have, pct(haveOK, have), allOK, all, pct(allOK, all))
	for _, d := range diffs {
		t.Logf("differs: %s", d)
	}
	if pct(haveOK, have) < 95 {
		t.Errorf("agreement %.1f%% is below 95%%", pct(haveOK, have))
	}
}
