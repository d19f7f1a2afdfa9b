package hclfmt_test

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/template/hclfmt"
)

func corpusDir(t testing.TB) string { return testenv.Corpus(t) }

type fmtRow struct {
	path    string
	exit    string // fmt_exit of `packer fmt -`
	changed string // y, n, or - when fmt failed
}

func readFMT(t testing.TB, dir string) []fmtRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "FMT.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []fmtRow
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first {
			continue
		}
		if len(cols) != 3 {
			t.Fatalf("FMT.tsv: bad row %q", sc.Text())
		}
		rows = append(rows, fmtRow{cols[0], cols[1], cols[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("FMT.tsv has no rows")
	}
	return rows
}

// stdinRun formats src as `fmt [-check] -` does and returns the output and
// the exit status the command gives.
func stdinRun(t *testing.T, src []byte, check bool) ([]byte, int) {
	var out bytes.Buffer
	f := &hclfmt.Formatter{Write: !check, Out: &out, Stdin: bytes.NewReader(src)}
	res, diags := f.Format(t.Context(), []string{"-"})
	switch {
	case diags.HasErrors():
		return out.Bytes(), 1
	case check && len(res.Changed) > 0:
		return out.Bytes(), 3
	}
	return out.Bytes(), 0
}

// TestCorpus formats every HCL file of the corpus as `packer fmt -` did
// and compares exit status and output with Packer's, then does the same
// with -check.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	rows := readFMT(t, dir)
	var same, exitOK, checkOK int
	for _, r := range rows {
		src, err := os.ReadFile(filepath.Join(dir, r.path))
		if err != nil {
			t.Fatal(err)
		}

		out, code := stdinRun(t, src, false)
		if want := r.exit; want != strconv.Itoa(code) {
			t.Errorf("%s: exit %d, Packer %s", r.path, code, want)
		} else {
			exitOK++
		}
		var want []byte
		switch r.changed {
		case "y":
			want, err = os.ReadFile(filepath.Join(dir, "_expected", "fmt", r.path))
			if err != nil {
				t.Fatal(err)
			}
		case "n":
			want = src
		case "-":
			want = nil // the error is reported as a diagnostic instead
		default:
			t.Fatalf("%s: unknown changed value %q", r.path, r.changed)
		}
		if bytes.Equal(out, want) {
			same++
		} else {
			t.Errorf("%s: output differs from Packer's:\n%s", r.path, hclfmt.UnifiedDiff(want, out, r.path))
		}

		wantCheck := map[string]int{"y": 3, "n": 0, "-": 1}[r.changed]
		if _, code := stdinRun(t, src, true); code == wantCheck {
			checkOK++
		} else {
			t.Errorf("%s: -check exit %d, want %d", r.path, code, wantCheck)
		}
	}
	n := float64(len(rows))
	pct := func(k int) float64 { return 100 * float64(k) / n }
	t.Logf("fmt corpus: %d files; byte-identical %d (%.1f%%); exit agreement %d (%.1f%%); -check exit agreement %d (%.1f%%)",
		len(rows), same, pct(same), exitOK, pct(exitOK), checkOK, pct(checkOK))
	// Every file agrees today; keep it that way.
	if same != len(rows) || exitOK != len(rows) || checkOK != len(rows) {
		t.Errorf("corpus agreement below 100%%")
	}
}

// TestCorpusTree formats a copy of the whole corpus folder recursively, as
// `fmt -recursive .` does, and checks the files listed and written.
func TestCorpusTree(t *testing.T) {
	dir := corpusDir(t)
	rows := readFMT(t, dir)
	tmp := t.TempDir()
	for _, r := range rows {
		src, err := os.ReadFile(filepath.Join(dir, r.path))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(tmp, r.path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(tmp)

	var out bytes.Buffer
	f := &hclfmt.Formatter{Write: true, Recursive: true, Out: &out}
	res, diags := f.Format(t.Context(), []string{"."})

	var wantChanged, wantFailed []string
	for _, r := range rows {
		switch r.changed {
		case "y":
			wantChanged = append(wantChanged, r.path)
		case "-":
			wantFailed = append(wantFailed, r.path)
		}
	}
	// Folders are walked in name order, so the list comes out sorted by
	// path components.
	sortPaths(wantChanged)
	if got := strings.Join(res.Changed, "\n"); got != strings.Join(wantChanged, "\n") {
		t.Errorf("changed files:\n%s\nwant:\n%s", got, strings.Join(wantChanged, "\n"))
	}
	if got, want := out.String(), strings.Join(wantChanged, "\n")+"\n"; got != want {
		t.Errorf("output lists:\n%s\nwant:\n%s", got, want)
	}
	if len(diags) != len(wantFailed) {
		t.Errorf("%d diagnostics, want %d: %v", len(diags), len(wantFailed), diags)
	}
	for _, r := range rows {
		got, err := os.ReadFile(r.path)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, r.path)
		if r.changed == "y" {
			want = filepath.Join(dir, "_expected", "fmt", r.path)
		}
		wantSrc, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantSrc) {
			t.Errorf("%s: file differs after formatting", r.path)
		}
	}
	// Nothing else was written.
	var files int
	_ = filepath.WalkDir(".", func(_ string, d fs.DirEntry, _ error) error {
		if !d.IsDir() {
			files++
		}
		return nil
	})
	if files != len(rows) {
		t.Errorf("%d files in the tree, want %d", files, len(rows))
	}
}

// TestCorpusDiffMatchesDiffTool compares the diff of every corpus change
// with the one `diff -u` prints, where that tool is installed.
func TestCorpusDiffMatchesDiffTool(t *testing.T) {
	dir := corpusDir(t)
	if _, err := exec.LookPath("diff"); err != nil {
		testenv.SkipUnprepared(t, "no diff tool to compare with (diffutils)")
	}
	var n, same int
	for _, r := range readFMT(t, dir) {
		if r.changed != "y" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, r.path))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.ReadFile(filepath.Join(dir, "_expected", "fmt", r.path))
		if err != nil {
			t.Fatal(err)
		}
		n++
		got, want := hclfmt.UnifiedDiff(src, out, r.path), diffTool(t, src, out, r.path)
		if bytes.Equal(got, want) {
			same++
		} else {
			t.Errorf("%s: diff differs from diff -u:\n%s\nwant:\n%s", r.path, got, want)
		}
	}
	t.Logf("diff: %d of %d corpus changes identical to diff -u", same, n)
}

func sortPaths(p []string) {
	sort.Slice(p, func(i, j int) bool {
		a, b := strings.Split(p[i], "/"), strings.Split(p[j], "/")
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return len(a) < len(b)
	})
}
