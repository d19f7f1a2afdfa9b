package funcs

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// bigNumber finds number literals large enough to ask for gigabytes
// (indent(1e9, ...), format("%999999999d", 1)) or hours (bcrypt's cost).
var bigNumber = regexp.MustCompile(`[0-9]{4,}|[0-9][eE]`)

// FuzzFunctions evaluates arbitrary expressions with the function library:
// no function may panic (go-cty turns a panic into an error that holds a
// stack trace). The functions that read the file system or reach the
// network (Vault, Consul) are left out, and so are expressions with large
// numbers, which only ask for much memory or time.
//
//	go test -run '^$' -fuzz=FuzzFunctions -fuzztime=10m ./template/funcs/
func FuzzFunctions(f *testing.F) {
	lib := Functions("testdata")
	for _, name := range []string{"file", "filebase64", "fileexists", "fileset", "templatefile", "bcrypt", "vault", "consul_key", "aws_secretsmanager", "aws_secretsmanager_raw"} {
		delete(lib, name)
	}
	names := make([]string, 0, len(lib))
	for name := range lib {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, args := range []string{"", `"a"`, "1", `["a", "b"]`, `{a = 1}`, `"a", "b"`, "-1, 1/0", `null`, `[1, "x", null]`, `"a", 2, "c"`} {
			f.Add(name + "(" + args + ")")
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 300 || bigNumber.MatchString(src) {
			return
		}
		expr, diags := hclsyntax.ParseExpression([]byte(src), "fuzz.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			return
		}
		for _, tr := range expr.Variables() {
			_ = tr
			return // no variables in scope: not interesting
		}
		_, diags = expr.Value(&hcl.EvalContext{Functions: lib})
		for _, d := range diags {
			// Operators (+, %, …) are HCL's, and some of them panic on
			// infinities: only the functions are kiln's to fix.
			if d.Summary != "Operation failed" && strings.Contains(d.Detail, "panic") {
				t.Fatalf("%s: %s: %s", src, d.Summary, d.Detail)
			}
		}
	})
}
