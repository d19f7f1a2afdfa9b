package hclfmt_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/template/hclfmt"
)

// Without -write, files are formatted ahead on several goroutines; the
// output is still in the order of the walk, each file once per mention,
// with broken files reported in place.
func TestListingManyFilesKeepsOrder(t *testing.T) {
	files := map[string]string{}
	var want []string
	for i := range 60 {
		name := fmt.Sprintf("d%d/f%02d.pkr.hcl", i%3, i)
		files[name] = tidy
		if i%2 == 0 {
			files[name] = messy
		}
		if i == 31 {
			files[name] = "a = \"x\n"
		}
	}
	tree(t, files)
	for d := range 3 {
		for i := range 60 {
			if i%3 == d && i%2 == 0 {
				want = append(want, fmt.Sprintf("d%d/f%02d.pkr.hcl", d, i))
			}
		}
	}
	// d0/f00 is named again after the folders: it is listed again.
	want = append(want, "d0/f00.pkr.hcl")
	out, res, diags := run(t, &hclfmt.Formatter{Recursive: true}, ".", "d0/f00.pkr.hcl")
	if got := strings.Fields(out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("output:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
	if len(res.Changed) != len(want) {
		t.Errorf("changed %d, want %d", len(res.Changed), len(want))
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "d1/f31.pkr.hcl") {
		t.Errorf("diagnostics %v", diags)
	}
}
