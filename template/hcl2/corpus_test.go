package hcl2_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
	"github.com/kilnbuild/kiln/ui"
)

func corpusDir(t *testing.T) string { return testenv.Corpus(t) }

// corpusUnit is one row of EXPECTED.tsv.
type corpusUnit struct {
	path           string
	format         string
	isDir          bool
	syntaxExit     string
	syntaxError    string
	validateExit   string
	validateErrors string
}

func readExpected(t *testing.T, dir string) []corpusUnit {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var units []corpusUnit
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	header := true
	for sc.Scan() {
		if header {
			header = false
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 8 {
			t.Fatalf("EXPECTED.tsv: short row %q", sc.Text())
		}
		units = append(units, corpusUnit{c[0], c[1], c[2] == "y", c[4], c[5], c[6], c[7]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return units
}

// readUnstable reads INSPECT_UNSTABLE.tsv: the units whose inspect output
// changes from run to run.
func readUnstable(t *testing.T, dir string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "INSPECT_UNSTABLE.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		if p, _, ok := strings.Cut(line, "\t"); ok {
			out[p] = true
		}
	}
	return out
}

// render prints diagnostics as kiln validate does.
func render(tpl *template.Template, diags hcl.Diagnostics) string {
	var files map[string]*hcl.File
	if tpl != nil {
		files = tpl.Files
	}
	var b bytes.Buffer
	_ = hcl.NewDiagnosticTextWriter(&b, files, 80, false).WriteDiagnostics(diags)
	return b.String()
}

// firstErrorLine is the first line containing "Error", trimmed.
func firstErrorLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Error") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// errorLines are the distinct lines starting with "Error: ", sorted and
// joined as in EXPECTED.tsv.
func errorLines(out string) string {
	seen := map[string]bool{}
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "Error: ") && !seen[line] {
			seen[line] = true
			lines = append(lines, line)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, " | ")
}

func exitOf(diags hcl.Diagnostics) string {
	if diags.HasErrors() {
		return "1"
	}
	return "0"
}

// TestCorpus loads every HCL2 unit of the corpus the way Packer 1.16 was
// run on it (working directory = the unit's folder) and compares the
// outcome with Packer's: -syntax-only must agree on every unit; a full
// validate, with the components kiln has today, must agree on at least
// validateFloor of them.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	units := readExpected(t, dir)
	const validateFloor = 0.80
	unstable := readUnstable(t, dir)

	var total, syntaxOK, syntaxLineOK, validateOK, validateLinesOK, inspectTotal, inspectOK int
	for _, u := range units {
		if u.format != "hcl" {
			continue
		}
		total++
		full := filepath.Join(dir, strings.TrimSuffix(u.path, "/"))
		wd, target := full, "."
		if !u.isDir {
			wd, target = filepath.Dir(full), filepath.Base(full)
		}
		t.Run(u.path, func(t *testing.T) {
			t.Chdir(wd)
			opts := template.Options{SyntaxOnly: true, Getenv: env(nil), Registry: components.Default()}
			tpl, diags := hcl2.Load(context.Background(), target, opts)
			out := render(tpl, diags)
			if got := exitOf(diags); got != u.syntaxExit {
				t.Errorf("validate -syntax-only: exit %s, Packer %s\n%s", got, u.syntaxExit, out)
			} else {
				syntaxOK++
			}
			if got := firstErrorLine(out); got == u.syntaxError {
				syntaxLineOK++
			} else {
				t.Logf("validate -syntax-only: first error %q, Packer %q", got, u.syntaxError)
			}

			opts.SyntaxOnly = false
			opts.WarnUndeclaredVar = true
			tpl, diags = hcl2.Load(context.Background(), target, opts)
			out = render(tpl, diags)
			if got := exitOf(diags); got == u.validateExit {
				validateOK++
			} else {
				t.Logf("validate: exit %s, Packer %s\n%s", got, u.validateExit, out)
			}
			if got := errorLines(out); got == u.validateErrors {
				validateLinesOK++
			} else {
				t.Logf("validate: error lines\n  kiln:   %s\n  Packer: %s", got, u.validateErrors)
			}

			// inspect: Packer's output, byte for byte, where it is stable.
			if unstable[u.path] {
				return
			}
			want, err := os.ReadFile(filepath.Join(dir, "_expected", "inspect", strings.TrimSuffix(u.path, "/")+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			inspectTotal++
			tpl, text, diags := hcl2.Inspect(context.Background(), target, opts)
			got := text
			if diags.HasErrors() {
				got = render(tpl, diags) + "\n"
			}
			scrubber := ui.NewScrubber()
			scrubber.Add(tpl.Sensitive...)
			if got = scrubber.Scrub(got); got == string(want) {
				inspectOK++
			} else {
				t.Errorf("inspect differs from Packer's:\n%s", cmp.Diff(string(want), got))
			}
		})
	}
	if total == 0 {
		t.Fatal("no HCL2 unit in EXPECTED.tsv")
	}
	pct := func(n int) float64 { return 100 * float64(n) / float64(total) }
	t.Logf("corpus: %d HCL2 units; -syntax-only exit agrees on %d (%.1f%%), first error line on %d (%.1f%%); "+
		"validate exit agrees on %d (%.1f%%), error lines on %d (%.1f%%); inspect output identical on %d of %d stable units",
		total, syntaxOK, pct(syntaxOK), syntaxLineOK, pct(syntaxLineOK),
		validateOK, pct(validateOK), validateLinesOK, pct(validateLinesOK), inspectOK, inspectTotal)
	if float64(validateOK) < validateFloor*float64(total) {
		t.Errorf("validate exit agreement %.1f%% is below the floor of %.0f%%", pct(validateOK), 100*validateFloor)
	}
}
