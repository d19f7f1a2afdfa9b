package hcl2

import (
	"testing"

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
