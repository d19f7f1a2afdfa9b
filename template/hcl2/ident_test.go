package hcl2

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestValidIdentifierIsHCLs(t *testing.T) {
	for _, s := range []string{
		"", "a", "_", "a1", "a-b", "a_b", "A", "1a", "-a", "a b", "a.b", "a$", "ä", "aä", "日本",
		"a\n", "a-", "__x__", "x-1-y", "é1", "1", "-", "a/b", "\u00a0", "ab\x00",
	} {
		if got, want := validIdentifier(s), hclsyntax.ValidIdentifier(s); got != want {
			t.Errorf("validIdentifier(%q) = %v, hclsyntax says %v", s, got, want)
		}
	}
}

func FuzzValidIdentifier(f *testing.F) {
	f.Add("a-b_1")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validIdentifier(s), hclsyntax.ValidIdentifier(s); got != want {
			t.Errorf("validIdentifier(%q) = %v, hclsyntax says %v", s, got, want)
		}
	})
}

// bodyContent gives what Content gives, for every kind of body.
func TestBodyContent(t *testing.T) {
	required := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "a", Required: true}, {Name: "b"}}}
	for _, tc := range []struct {
		src    string
		schema *hcl.BodySchema
	}{
		{"", variableSchema},
		{"default = 1\ntype = string\n", variableSchema},
		{"default = 1\nother = 2\n", variableSchema},
		{"default = 1\nvalidation {\n}\n", variableSchema},
		{"default = 1\nthing {\n}\n", variableSchema},
		{"b = 1\n", required},
		{"a = 1\n", required},
		{"a = 1\nb = 2\nc = 3\n", required},
	} {
		f, diags := hclsyntax.ParseConfig([]byte(tc.src), "t.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		want, wantDiags := f.Body.Content(tc.schema)
		got, gotDiags := bodyContent(f.Body, tc.schema)
		if len(want.Blocks) == 0 {
			want.Blocks = nil
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotDiags, wantDiags) {
			t.Errorf("%q: %#v, %v; want %#v, %v", tc.src, got, gotDiags, want, wantDiags)
		}
	}
}
