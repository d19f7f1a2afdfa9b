package hcl2_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/template"
)

// expectation is one expected diagnostic: its severity, summary and line
// (0 when it has no location).
type expectation struct {
	severity string
	line     int
	summary  string
}

func (e expectation) String() string {
	return fmt.Sprintf("%s line %d: %s", e.severity, e.line, e.summary)
}

var expectRe = regexp.MustCompile(`# (ERROR|WARNING)( anywhere)?: (.*?)\s*(?:$|# )`)

// expectations reads the "# ERROR: summary" and "# WARNING: summary"
// comments of a fixture: on the line the diagnostic points at, several
// per line, or "# ERROR anywhere: summary" for a diagnostic without a
// location.
func expectations(t *testing.T, path string) []expectation {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []expectation
	for i, line := range strings.Split(string(src), "\n") {
		rest := line
		for {
			m := expectRe.FindStringSubmatchIndex(rest)
			if m == nil {
				break
			}
			e := expectation{severity: rest[m[2]:m[3]], line: i + 1, summary: rest[m[6]:m[7]]}
			if m[4] >= 0 {
				e.line = 0
			}
			out = append(out, e)
			rest = rest[m[7]:]
		}
	}
	return out
}

func actual(diags hcl.Diagnostics) []expectation {
	var out []expectation
	for _, d := range diags {
		e := expectation{severity: "ERROR", summary: d.Summary}
		if d.Severity == hcl.DiagWarning {
			e.severity = "WARNING"
		}
		switch {
		case d.Subject != nil:
			e.line = d.Subject.Start.Line
		case d.Context != nil:
			e.line = d.Context.Start.Line
		}
		out = append(out, e)
	}
	return out
}

func sortExpectations(es []expectation) {
	sort.Slice(es, func(i, j int) bool { return es[i].String() < es[j].String() })
}

// TestFixtures loads each template of testdata/{valid,errors,warnings}
// (fully, with fake components) and compares its diagnostics with the
// comments it carries.
func TestFixtures(t *testing.T) {
	for _, kind := range []string{"valid", "errors", "warnings"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", kind, "*.pkr.*"))
		if len(paths) == 0 {
			t.Fatalf("no fixture in testdata/%s", kind)
		}
		for _, path := range paths {
			t.Run(kind+"/"+filepath.Base(path), func(t *testing.T) {
				want := expectations(t, path)
				_, diags, _ := load(t, path, template.Options{WarnUndeclaredVar: true, Getenv: env(map[string]string{"HOME": "/home/k"})})
				got := actual(diags)
				sortExpectations(want)
				sortExpectations(got)
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(expectation{})); diff != "" {
					t.Errorf("diagnostics (-want +got):\n%s\n%s", diff, diags.Error())
				}
				switch kind {
				case "errors":
					if !diags.HasErrors() {
						t.Error("no error")
					}
				default:
					if diags.HasErrors() {
						t.Error("errors in a fixture that should load")
					}
				}
			})
		}
	}
}
