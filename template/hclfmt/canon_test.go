package hclfmt

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/kilnbuild/kiln/internal/testenv"
)

// canonSeeds are sources that exercise each layout rule, including odd
// ones: tabs, carriage returns, wide characters, trailing spaces at the
// end, heredocs, comments of both kinds and unbalanced brackets.
var canonSeeds = []string{
	"",
	"\n",
	"a=1",
	"a=1   ",
	"a = 1 \n\n\n",
	"source \"null\" \"a\" {\ncommunicator=\"none\"\nx=[1,2,3]\ny={a=1,\"b c\"=2}\n}\n",
	"a=1 # one\nbbb=2 // two\n/* c */ cc = 3 /* d */\n# alone\n",
	"a\t=\t1\r\nbb = 2\r\n",
	"é=1\nnaïve=\"ü\" # ß\n\"日本\"=3 # x\n",
	"x = <<EOF\n  text ${a}\n   %{if b}y%{endif}\nEOF\ny = <<-EOT\n    z\n    EOT\n",
	"v = [for x in [1,2]: x if x>-1]\nw = {for k,v in m: k=>v...}\nz = a ? -b : c-d\nn = !a && b || -c\n",
	"f = ns::fn(a,b...)\ng = a.b[0].c[*].d\nh = \"${ {a=1} }\"\ni = \"${a}${b}\"\n",
	"a = {\n  b = [\n  1,\n    2]\n}}\n]\n",
	"block \"x\" {\n  inner {\n    k = v\n    }\n  }\n  other {}\n",
	"a = (1\n+2)\nb = a[\n0]\nc = -1 - -2 * 3 % 4 / 5\nd = a == -1 != b >= -2\n",
	"x = 1 # c\ny = [ # c2\n1, # c3\n]\nlong_name = 2 # c4\n",
	"a = \"unterminated\n",
	"a = 1 ## c\r\n#c2\r\nb = 2\n",
}

func TestCanonicalMatchesHCLWrite(t *testing.T) {
	for _, s := range canonSeeds {
		if got, want := canonical([]byte(s)), hclwrite.Format([]byte(s)); !bytes.Equal(got, want) {
			t.Errorf("canonical(%q) =\n%q\nhclwrite.Format:\n%q", s, got, want)
		}
	}
}

// TestCanonicalCorpus compares canonical with hclwrite.Format on every
// HCL file of the corpus, formatted or not, valid or not.
func TestCanonicalCorpus(t *testing.T) {
	dir := testenv.Corpus(t)
	var n int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !IsHCLFile(p) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if got, want := canonical(src), hclwrite.Format(src); !bytes.Equal(got, want) {
			t.Errorf("%s: canonical differs from hclwrite.Format:\n%s", p, UnifiedDiff(want, got, p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d corpus files compared", n)
}

func FuzzCanonical(f *testing.F) {
	for _, s := range canonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, want := canonical(src), hclwrite.Format(src); !bytes.Equal(got, want) {
			t.Errorf("canonical(%q) =\n%q\nhclwrite.Format:\n%q", src, got, want)
		}
	})
}
