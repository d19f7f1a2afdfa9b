package hclfmt

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// File name suffixes fmt accepts: templates and variable files.
const (
	TemplateSuffix = ".pkr.hcl"
	VarFileSuffix  = ".pkrvars.hcl"
)

// StdinPath is the path that names standard input.
const StdinPath = "-"

// IsHCLFile reports whether name is a file fmt formats: a template
// (*.pkr.hcl) or a variable file (*.pkrvars.hcl).
func IsHCLFile(name string) bool {
	return strings.HasSuffix(name, TemplateSuffix) || strings.HasSuffix(name, VarFileSuffix)
}

// Ignored reports whether a folder entry (a base name) is passed over when
// a folder is scanned: hidden entries, editor backups ending in "~" and
// Emacs lock files "#…#". Paths given explicitly are never ignored.
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") ||
		strings.HasSuffix(name, "~") ||
		(strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"))
}

// Source returns src in canonical form. filename names the source in
// diagnostics. Source that does not parse is not formatted: the parse
// errors come back instead (warnings alone do not stop formatting).
//
// The result is byte for byte hclwrite.Format(src), as Packer gives it.
func Source(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	// The parse Packer does first, for its errors only (hclparse adds a
	// cache of files and nothing else).
	_, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return canonical(src), nil
}
