package cmd

import (
	"strings"

	"github.com/spf13/pflag"
)

// extractMachineReadable removes every -machine-readable (or
// --machine-readable) from args, wherever it stands, as Packer does, and
// reports whether there was one.
func extractMachineReadable(args []string) ([]string, bool) {
	out := make([]string, 0, len(args))
	found := false
	for i, a := range args {
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		if a == "-machine-readable" || a == "--machine-readable" {
			found = true
			continue
		}
		out = append(out, a)
	}
	return out, found
}

func isHelpArg(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

func isVersionArg(a string) bool { return a == "-v" || a == "-version" || a == "--version" }

// hasHelpArg reports whether a help flag appears before any "--".
func hasHelpArg(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpArg(a) {
			return true
		}
	}
	return false
}

// normalizeFlags rewrites Go-flag style arguments into the form pflag
// parses: "-only=x" and "-var k=v" become "--only=x" and "--var k=v".
// Parsing stops at the first positional argument, as Go's flag package
// does; what follows is left untouched (and later refused if it holds a
// flag, see checkFlagsBeforeArgs).
func normalizeFlags(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || !strings.HasPrefix(a, "-") {
			out = append(out, args[i:]...)
			break
		}
		name := strings.TrimLeft(a, "-")
		value := ""
		hasValue := false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, hasValue = name[:eq], name[eq+1:], true
		}
		f := fs.Lookup(name)
		if f == nil && len(name) == 1 {
			f = fs.ShorthandLookup(name)
		}
		if f == nil {
			// Unknown: hand it to pflag in long form so that the error
			// names the flag as the user wrote it.
			out = append(out, "--"+strings.TrimLeft(a, "-"))
			continue
		}
		long := "--" + f.Name
		if hasValue {
			out = append(out, long+"="+value)
			continue
		}
		out = append(out, long)
		if f.NoOptDefVal == "" && i+1 < len(args) {
			// The flag takes a value and it is the next argument.
			i++
			out = append(out, args[i])
		}
	}
	return out
}

// flagAfterArgs returns the first argument that looks like a flag among
// positional args after the first one: Packer (Go flag) stops parsing
// flags at the template, so "kiln build t.pkr.hcl -force" is an error.
func flagAfterArgs(args []string) string {
	for _, a := range args {
		if len(a) > 1 && strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}
