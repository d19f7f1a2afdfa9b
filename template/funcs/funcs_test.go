package funcs

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/crypto/bcrypt"
)

// eval evaluates an HCL expression with the library, files relative to
// testdata.
func eval(t *testing.T, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %s", src, diags.Error())
	}
	return expr.Value(&hcl.EvalContext{Functions: Functions("testdata")})
}

// Every function Packer documents, and only those (plus templatefile).
func TestFunctionNames(t *testing.T) {
	want := strings.Fields(`abs abspath alltrue anytrue aws_secretsmanager aws_secretsmanager_raw base64decode
		base64encode base64gzip basename bcrypt can ceil chomp chunklist cidrhost cidrnetmask cidrsubnet
		cidrsubnets coalesce coalescelist compact concat consul_key contains convert csvdecode dirname
		distinct element endswith file filebase64 fileexists fileset flatten floor format formatdate
		formatlist indent index join jsondecode jsonencode keys legacy_isotime legacy_strftime length log
		lookup lower max md5 merge min parseint pathexpand pow range regex regex_replace regexall replace
		reverse rsadecrypt setintersection setproduct setunion sha1 sha256 sha512 signum slice sort split
		startswith strcontains strrev substr sum templatefile textdecodebase64 textencodebase64 timeadd
		timestamp title trim trimprefix trimspace trimsuffix try upper urlencode uuidv4 uuidv5 values
		vault yamldecode yamlencode zipmap`)
	var got []string
	for name := range Functions(".") {
		got = append(got, name)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("functions:\n got %v\nwant %v", got, want)
	}
	if len(got) != 101 {
		t.Errorf("%d functions, Packer has 101", len(got))
	}
}

func TestFunctions(t *testing.T) {
	tests := []struct {
		fn   string // the function tested, when it is not the outermost call
		expr string
		want cty.Value
		err  string // a substring of the error, instead of want
	}{
		// numeric
		{expr: `abs(-3)`, want: cty.NumberIntVal(3)},
		{expr: `ceil(1.2)`, want: cty.NumberIntVal(2)},
		{expr: `floor(1.8)`, want: cty.NumberIntVal(1)},
		{expr: `log(8, 2)`, want: cty.NumberIntVal(3)},
		{expr: `max(1, 7, 3)`, want: cty.NumberIntVal(7)},
		{expr: `min(4, 2)`, want: cty.NumberIntVal(2)},
		{expr: `parseint("ff", 16)`, want: cty.NumberIntVal(255)},
		{expr: `pow(2, 10)`, want: cty.NumberIntVal(1024)},
		{expr: `signum(-7)`, want: cty.NumberIntVal(-1)},
		{expr: `sum([1, 2, 3.5])`, want: cty.NumberFloatVal(6.5)},
		{expr: `sum(toset([2, 3]))`, err: "unknown function"},
		{expr: `sum([])`, err: "cannot sum an empty list"},
		{expr: `sum("x")`, err: "cannot sum a string"},

		// string
		{expr: `chomp("a\n\n")`, want: cty.StringVal("a")},
		{expr: `endswith("hello", "lo")`, want: cty.True},
		{expr: `endswith("hello", "he")`, want: cty.False},
		{expr: `format("%s-%03d", "a", 7)`, want: cty.StringVal("a-007")},
		{expr: `formatlist("<%s>", ["a", "b"])`, want: cty.ListVal([]cty.Value{cty.StringVal("<a>"), cty.StringVal("<b>")})},
		{expr: `indent(2, "a\nb")`, want: cty.StringVal("a\n  b")},
		{expr: `join(",", ["a", "b"])`, want: cty.StringVal("a,b")},
		{expr: `lower("AbC")`, want: cty.StringVal("abc")},
		{expr: `regex("[0-9]+", "ab123")`, want: cty.StringVal("123")},
		{expr: `regexall("[0-9]", "a1b2")`, want: cty.ListVal([]cty.Value{cty.StringVal("1"), cty.StringVal("2")})},
		{expr: `regex_replace("a1b2", "[0-9]", "#")`, want: cty.StringVal("a#b#")},
		// replace is not regex, even with slashes.
		{expr: `replace("a.b.c", ".", "-")`, want: cty.StringVal("a-b-c")},
		{expr: `replace("a1b", "/[0-9]/", "-")`, want: cty.StringVal("a1b")},
		{expr: `split(",", "a,b")`, want: cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `startswith("hello", "he")`, want: cty.True},
		{expr: `strcontains("hello", "ell")`, want: cty.True},
		{expr: `strcontains("hello", "x")`, want: cty.False},
		{expr: `strrev("abc")`, want: cty.StringVal("cba")},
		{expr: `substr("hello", 1, 3)`, want: cty.StringVal("ell")},
		{expr: `title("hello world")`, want: cty.StringVal("Hello World")},
		{expr: `trim("?!a!?", "!?")`, want: cty.StringVal("a")},
		{expr: `trimprefix("foobar", "foo")`, want: cty.StringVal("bar")},
		{expr: `trimsuffix("foobar", "bar")`, want: cty.StringVal("foo")},
		{expr: `trimspace("  a \n")`, want: cty.StringVal("a")},
		{expr: `upper("a")`, want: cty.StringVal("A")},

		// collection
		{expr: `alltrue([true, true])`, want: cty.True},
		{expr: `alltrue([true, false])`, want: cty.False},
		{expr: `alltrue([])`, want: cty.True},
		{expr: `anytrue([false, true])`, want: cty.True},
		{expr: `anytrue([])`, want: cty.False},
		{expr: `chunklist(["a", "b", "c"], 2)`, want: cty.ListVal([]cty.Value{
			cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}), cty.ListVal([]cty.Value{cty.StringVal("c")})})},
		{expr: `coalesce("", null, "b", "c")`, want: cty.StringVal("b")},
		{expr: `coalesce(null, 2)`, want: cty.NumberIntVal(2)},
		{expr: `coalesce("", null)`, err: "no non-null, non-empty-string arguments"},
		{expr: `coalescelist([], ["a"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a")})},
		{expr: `compact(["a", "", "b"])`, want: cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `concat(["a"], ["b"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `contains(["a", "b"], "b")`, want: cty.True},
		{expr: `distinct(["a", "a", "b"])`, want: cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `element(["a", "b"], 3)`, want: cty.StringVal("b")},
		{expr: `flatten([["a"], [["b"]]])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `index(["a", "b", "c"], "b")`, want: cty.NumberIntVal(1)},
		{expr: `index(["a"], "z")`, err: "item not found"},
		{expr: `index({a = 1}, 1)`, err: "must be a list or tuple"},
		{expr: `keys({b = 1, a = 2})`, want: cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `length("héllo")`, want: cty.NumberIntVal(5)},
		{expr: `length(["a", "b"])`, want: cty.NumberIntVal(2)},
		{expr: `length({a = 1})`, want: cty.NumberIntVal(1)},
		{expr: `length(true)`, err: "must be a string, a collection type, or a structural type"},
		{expr: `lookup({a = "x"}, "b", "d")`, want: cty.StringVal("d")},
		{expr: `merge({a = 1}, {b = 2}).b`, want: cty.NumberIntVal(2)},
		{expr: `range(3)`, want: cty.ListVal([]cty.Value{cty.NumberIntVal(0), cty.NumberIntVal(1), cty.NumberIntVal(2)})},
		{expr: `reverse(["a", "b"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("b"), cty.StringVal("a")})},
		{expr: `setintersection(["a", "b"], ["b"])`, want: cty.SetVal([]cty.Value{cty.StringVal("b")})},
		{expr: `length(setproduct(["a", "b"], ["c"]))`, want: cty.NumberIntVal(2)},
		{expr: `setunion(["a"], ["b"])`, want: cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `slice(["a", "b", "c"], 1, 3)`, want: cty.TupleVal([]cty.Value{cty.StringVal("b"), cty.StringVal("c")})},
		{expr: `sort(["b", "a"])`, want: cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `values({a = "x", b = "y"})`, want: cty.TupleVal([]cty.Value{cty.StringVal("x"), cty.StringVal("y")})},
		{expr: `zipmap(["a"], [1]).a`, want: cty.NumberIntVal(1)},

		// encoding
		{expr: `base64encode("hello")`, want: cty.StringVal("aGVsbG8=")},
		{expr: `base64decode("aGVsbG8=")`, want: cty.StringVal("hello")},
		{expr: `base64decode("//4=")`, err: "not valid UTF-8"},
		{expr: `base64decode("!")`, err: "failed to decode base64 data"},
		{fn: "base64gzip", expr: `length(base64gzip("hello")) > 0`, want: cty.True},
		{expr: `csvdecode("a,b\n1,2")[0].b`, want: cty.StringVal("2")},
		{expr: `jsondecode("{\"a\": [1]}").a[0]`, want: cty.NumberIntVal(1)},
		{expr: `jsonencode({a = "b"})`, want: cty.StringVal(`{"a":"b"}`)},
		{expr: `textencodebase64("Hé", "ISO-8859-1")`, want: cty.StringVal("SOk=")},
		{expr: `textdecodebase64("SOk=", "ISO-8859-1")`, want: cty.StringVal("Hé")},
		{expr: `textencodebase64("a", "no-such-encoding")`, err: "not a supported IANA encoding"},
		{expr: `urlencode("a b&c")`, want: cty.StringVal("a+b%26c")},
		{expr: `yamldecode("a: [1, 2]").a[1]`, want: cty.NumberIntVal(2)},
		{expr: `yamlencode({a = "b"})`, want: cty.StringVal("\"a\": \"b\"\n")},

		// filesystem (relative to testdata)
		{expr: `basename("/a/b.txt")`, want: cty.StringVal("b.txt")},
		{expr: `dirname("/a/b.txt")`, want: cty.StringVal("/a")},
		{expr: `file("hello.txt")`, want: cty.StringVal("hello\n")},
		{expr: `file("missing.txt")`, err: "no file exists at missing.txt"},
		{expr: `file("binary.bin")`, err: "not valid UTF-8"},
		{expr: `filebase64("binary.bin")`, want: cty.StringVal("//4=")},
		{expr: `fileexists("hello.txt")`, want: cty.True},
		{expr: `fileexists("missing.txt")`, want: cty.False},
		{expr: `fileexists("tpl")`, err: "is not a regular file"},
		{expr: `fileset("tpl", "*.txt")`, want: cty.SetVal([]cty.Value{cty.StringVal("a.txt")})},
		{expr: `fileset(".", "**/*.{txt,conf}")`, want: cty.SetVal([]cty.Value{
			cty.StringVal("hello.txt"), cty.StringVal("tpl/a.txt"), cty.StringVal("tpl/b.conf")})},
		{expr: `fileset(".", "nothing*")`, want: cty.SetValEmpty(cty.String)},
		{expr: `pathexpand("/abs")`, want: cty.StringVal("/abs")},
		{expr: `templatefile("greeting.tpl", {name = "kiln", items = ["a", "b"]})`, want: cty.StringVal("Hi kiln! [a] [b]")},
		{expr: `templatefile("greeting.tpl", {name = "kiln"})`, err: `vars map does not contain key "items"`},
		{expr: `templatefile("recursive.tpl", {})`, err: "cannot recursively call templatefile"},

		// date and time
		{expr: `formatdate("YYYY-MM-DD hh:mm", "2024-03-05T07:08:09Z")`, want: cty.StringVal("2024-03-05 07:08")},
		{expr: `timeadd("2024-01-01T00:00:00Z", "90m")`, want: cty.StringVal("2024-01-01T01:30:00Z")},
		{expr: `legacy_isotime("2006", "x")`, err: "too many values"},

		// crypto
		{expr: `md5("hello")`, want: cty.StringVal("5d41402abc4b2a76b9719d911017c592")},
		{expr: `sha1("hello")`, want: cty.StringVal("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")},
		{expr: `sha256("hello")`, want: cty.StringVal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")},
		{expr: `substr(sha512("hello"), 0, 16)`, want: cty.StringVal("9b71d224bd62f378")},
		{expr: `rsadecrypt("x", "not a key")`, err: "cipher text must be base64-encoded"},
		{expr: `rsadecrypt("aGk=", "not a key")`, err: "no key found"},

		// uuid
		{expr: `uuidv5("dns", "www.example.com")`, want: cty.StringVal("2ed6657d-e927-568b-95e1-2665a8aea6a2")},
		{expr: `uuidv5("url", "https://www.example.com")`, want: cty.StringVal("a0787afd-c170-5773-8d60-02739168de9f")},
		{expr: `uuidv5("nope", "x")`, err: "doesn't support namespace"},

		// ip network
		{expr: `cidrhost("10.12.112.0/20", 16)`, want: cty.StringVal("10.12.112.16")},
		{expr: `cidrhost("10.12.112.0/20", 268)`, want: cty.StringVal("10.12.113.12")},
		{expr: `cidrhost("10.12.112.0/20", -1)`, want: cty.StringVal("10.12.127.255")},
		{expr: `cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)`, want: cty.StringVal("fd00:fd12:3456:7890::22")},
		{expr: `cidrhost("10.0.0.0/30", 4)`, err: "cannot accommodate a host numbered 4"},
		{expr: `cidrnetmask("172.16.0.0/12")`, want: cty.StringVal("255.240.0.0")},
		{expr: `cidrnetmask("fd00::/64")`, err: "only IPv4"},
		{expr: `cidrsubnet("172.16.0.0/12", 4, 2)`, want: cty.StringVal("172.18.0.0/16")},
		{expr: `cidrsubnet("10.1.2.0/24", 4, 15)`, want: cty.StringVal("10.1.2.240/28")},
		{expr: `cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)`, want: cty.StringVal("fd00:fd12:3456:7800:a200::/72")},
		{expr: `cidrsubnet("10.0.0.0/30", 4, 0)`, err: "insufficient address space"},
		{expr: `cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)`, want: cty.ListVal([]cty.Value{
			cty.StringVal("10.1.0.0/20"), cty.StringVal("10.1.16.0/20"), cty.StringVal("10.1.32.0/24"), cty.StringVal("10.1.48.0/20")})},

		// conversion
		{expr: `can(file("missing"))`, want: cty.False},
		{expr: `try(file("missing"), "fallback")`, want: cty.StringVal("fallback")},
		{expr: `convert(1, string)`, want: cty.StringVal("1")},
		{expr: `convert(["a"], set(string))`, want: cty.SetVal([]cty.Value{cty.StringVal("a")})},

		// More cases, so that every function has a normal case, an edge
		// case and an error.
		{expr: `abs(0)`, want: cty.NumberIntVal(0)},
		{expr: `abs("x")`, err: "a number is required"},
		{expr: `ceil(-1.5)`, want: cty.NumberIntVal(-1)},
		{expr: `ceil("x")`, err: "a number is required"},
		{expr: `floor(-1.5)`, want: cty.NumberIntVal(-2)},
		{expr: `floor(null)`, err: "argument must not be null"},
		{expr: `log(1, 10)`, want: cty.NumberIntVal(0)},
		{expr: `log("x", 2)`, err: "a number is required"},
		{expr: `max(-1)`, want: cty.NumberIntVal(-1)},
		{expr: `max()`, err: "must pass at least one number"},
		{expr: `min(-1, -1.5)`, want: cty.NumberFloatVal(-1.5)},
		{expr: `min()`, err: "must pass at least one number"},
		{expr: `parseint("-101", 2)`, want: cty.NumberIntVal(-5)},
		{expr: `parseint("12", 1)`, err: "base must be a whole number between 2 and 62 inclusive"},
		{expr: `pow(5, 0)`, want: cty.NumberIntVal(1)},
		{expr: `pow("x", 2)`, err: "a number is required"},
		{expr: `signum(0)`, want: cty.NumberIntVal(0)},
		{expr: `signum("x")`, err: "a number is required"},
		{expr: `sum([-1])`, want: cty.NumberIntVal(-1)},

		{expr: `chomp("a\r\n")`, want: cty.StringVal("a")},
		{expr: `chomp(null)`, err: "argument must not be null"},
		{expr: `endswith("", "")`, want: cty.True},
		{expr: `endswith(null, "a")`, err: "argument must not be null"},
		{expr: `format("%%")`, want: cty.StringVal("%")},
		{expr: `format("%d", "x")`, err: "unsupported value for \"%d\" at 0: a number is required"},
		{expr: `formatlist("%s=%s", ["a", "b"], "x")`, want: cty.ListVal([]cty.Value{cty.StringVal("a=x"), cty.StringVal("b=x")})},
		{expr: `formatlist("%s", ["a"], ["b", "c"])`, err: "argument 2 has length 2, which is inconsistent with argument 1 of length 1"},
		{expr: `indent(2, "")`, want: cty.StringVal("")},
		{expr: `indent("x", "a")`, err: "a number is required"},
		{expr: `join(",", [])`, want: cty.StringVal("")},
		{expr: `join(",")`, err: "at least one list is required"},
		{expr: `lower("ÉTÉ")`, want: cty.StringVal("été")},
		{expr: `lower(["a"])`, err: "string required"},
		{expr: `regex("(\\d+)-(\\d+)", "a1-2")`, want: cty.TupleVal([]cty.Value{cty.StringVal("1"), cty.StringVal("2")})},
		{expr: `regex("[0-9]", "abc")`, err: "pattern did not match any part of the given string"},
		{expr: `regexall("[0-9]", "abc")`, want: cty.ListValEmpty(cty.String)},
		{expr: `regexall("(", "a")`, err: "invalid regexp pattern: missing closing )"},
		{expr: `regex_replace("abc", "x", "y")`, want: cty.StringVal("abc")},
		{expr: `regex_replace("a", "(", "b")`, err: "error parsing regexp: missing closing )"},
		{expr: `replace("aaa", "", "-")`, want: cty.StringVal("-a-a-a-")},
		{expr: `replace(null, "a", "b")`, err: "argument must not be null"},
		{expr: `split(",", "")`, want: cty.ListVal([]cty.Value{cty.StringVal("")})},
		{expr: `split(",", ["a"])`, err: "string required"},
		{expr: `startswith("hello", "lo")`, want: cty.False},
		{expr: `startswith(null, "a")`, err: "argument must not be null"},
		{expr: `strcontains(null, "a")`, err: "argument must not be null"},
		{expr: `strrev("")`, want: cty.StringVal("")},
		{expr: `strrev(["a"])`, err: "string required"},
		{expr: `substr("hello", -3, -1)`, want: cty.StringVal("llo")},
		{expr: `substr("hello", 1, "x")`, err: "a number is required"},
		{expr: `title("")`, want: cty.StringVal("")},
		{expr: `title(["a"])`, err: "string required"},
		{expr: `trim("aaa", "a")`, want: cty.StringVal("")},
		{expr: `trim(null, "a")`, err: "argument must not be null"},
		{expr: `trimprefix("foo", "bar")`, want: cty.StringVal("foo")},
		{expr: `trimprefix(null, "a")`, err: "argument must not be null"},
		{expr: `trimsuffix("foo", "")`, want: cty.StringVal("foo")},
		{expr: `trimsuffix(null, "a")`, err: "argument must not be null"},
		{expr: `trimspace("")`, want: cty.StringVal("")},
		{expr: `trimspace(["a"])`, err: "string required"},
		// Upper case maps rune by rune, as in Packer: ß stays.
		{expr: `upper("straße")`, want: cty.StringVal("STRAßE")},
		{expr: `upper(["a"])`, err: "string required"},

		{expr: `alltrue(1)`, err: "list of bool required"},
		{expr: `anytrue(1)`, err: "list of bool required"},
		{expr: `chunklist([], 2)`, want: cty.ListValEmpty(cty.List(cty.DynamicPseudoType))},
		{expr: `chunklist(["a"], -1)`, err: "the size argument must be positive"},
		{expr: `coalescelist([], [])`, err: "no non-null arguments"},
		{expr: `coalescelist(["a"], ["b"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a")})},
		{expr: `compact([])`, want: cty.ListValEmpty(cty.String)},
		{expr: `compact("a")`, err: "list of string required"},
		{expr: `concat([], [])`, want: cty.EmptyTupleVal},
		{expr: `concat()`, err: "at least one argument is required"},
		{expr: `concat("a")`, err: "all arguments must be lists or tuples"},
		{expr: `contains([], "a")`, want: cty.False},
		{expr: `contains("a", "a")`, err: "argument must be list, tuple, or set"},
		{expr: `distinct([])`, want: cty.ListValEmpty(cty.DynamicPseudoType)},
		{expr: `distinct("a")`, err: "list of dynamic required, but have string"},
		// A negative index counts from the end, as a larger one wraps.
		{expr: `element(["a", "b"], -1)`, want: cty.StringVal("b")},
		{expr: `element([], 0)`, err: "cannot use element function with an empty list"},
		{expr: `element(["a", "b"], 1)`, want: cty.StringVal("b")},
		{expr: `flatten([])`, want: cty.EmptyTupleVal},
		{expr: `flatten("a")`, err: "can only flatten lists, sets and tuples"},
		{expr: `index(["a", "b", "a"], "a")`, want: cty.NumberIntVal(0)},
		{expr: `keys({})`, want: cty.EmptyTupleVal},
		{expr: `keys("a")`, err: "must have map or object type"},
		{expr: `length("")`, want: cty.NumberIntVal(0)},
		{expr: `lookup({a = "x"}, "a", "d")`, want: cty.StringVal("x")},
		// Packer's lookup needs its default.
		{expr: `lookup({a = "x"}, "b")`, err: "Missing value for \"default\""},
		{expr: `merge()`, want: cty.EmptyObjectVal},
		{expr: `merge({a = 1}, "b")`, err: "arguments must be maps or objects"},
		{expr: `range(3, 0, -1)`, want: cty.ListVal([]cty.Value{cty.NumberIntVal(3), cty.NumberIntVal(2), cty.NumberIntVal(1)})},
		{expr: `range(0, 3, 0)`, err: "more than 1024 values were generated"},
		{expr: `reverse([])`, want: cty.EmptyTupleVal},
		{expr: `reverse("a")`, err: "can only reverse list or tuple values"},
		{expr: `setintersection(["a"], ["b"])`, want: cty.SetValEmpty(cty.String)},
		{expr: `setintersection("a", ["b"])`, err: "set of dynamic required, but have string"},
		{expr: `setproduct(["a"], ["b"])`, want: cty.ListVal([]cty.Value{cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})})},
		{fn: "setproduct", expr: `length(setproduct(["a"], []))`, want: cty.NumberIntVal(0)},
		{expr: `setproduct(["a"])`, err: "at least two arguments are required"},
		{expr: `setunion([], [])`, want: cty.SetValEmpty(cty.DynamicPseudoType)},
		{expr: `setunion("a", ["b"])`, err: "set of dynamic required, but have string"},
		{expr: `slice(["a"], 1, 1)`, want: cty.EmptyTupleVal},
		{expr: `slice(["a"], 1, 0)`, err: "start index must not be greater than end index"},
		{expr: `sort([])`, want: cty.ListValEmpty(cty.String)},
		{expr: `sort("a")`, err: "list of string required"},
		{expr: `values({})`, want: cty.EmptyTupleVal},
		{expr: `values("a")`, err: "values() requires a map as the first argument"},
		{expr: `zipmap([], [])`, want: cty.EmptyObjectVal},
		{expr: `zipmap(["a"], [])`, err: "number of keys (1) does not match number of values (0)"},

		{expr: `base64encode("")`, want: cty.StringVal("")},
		{expr: `base64decode("")`, want: cty.StringVal("")},
		{expr: `base64encode(["a"])`, err: "string required"},
		{expr: `base64gzip("")`, want: cty.StringVal("H4sIAAAAAAAA/wEAAP//AAAAAAAAAAA=")},
		{expr: `base64gzip(["a"])`, err: "string required"},
		{expr: `csvdecode("a,b\n")`, want: cty.ListValEmpty(cty.Object(map[string]cty.Type{"a": cty.String, "b": cty.String}))},
		{expr: `csvdecode("a,b\n1")`, err: "wrong number of fields"},
		{expr: `jsondecode("null")`, want: cty.NullVal(cty.DynamicPseudoType)},
		{expr: `jsondecode("{")`, err: "EOF"},
		{expr: `jsonencode(null)`, want: cty.StringVal("null")},
		{expr: `jsonencode(file("missing"))`, err: "no file exists"},
		{expr: `textdecodebase64("", "UTF-16LE")`, want: cty.StringVal("")},
		{expr: `textdecodebase64("!", "UTF-8")`, err: "the given value is not valid base64"},
		{expr: `textencodebase64("", "UTF-16LE")`, want: cty.StringVal("")},
		{expr: `urlencode("")`, want: cty.StringVal("")},
		{expr: `urlencode(["a"])`, err: "string required"},
		{expr: `yamldecode("~")`, want: cty.NullVal(cty.DynamicPseudoType)},
		{expr: `yamldecode("")`, err: "missing start of document"},
		{expr: `yamldecode("a: [")`, err: "did not find expected node content"},
		{expr: `yamlencode([])`, want: cty.StringVal("[]\n")},
		{expr: `yamlencode(file("missing"))`, err: "no file exists"},

		{expr: `abspath("/a/../b")`, want: cty.StringVal("/b")},
		{expr: `abspath("/")`, want: cty.StringVal("/")},
		{expr: `abspath(["a"])`, err: "string required"},
		{expr: `basename("dir/")`, want: cty.StringVal("dir")},
		{expr: `basename(null)`, err: "argument must not be null"},
		{expr: `dirname("file")`, want: cty.StringVal(".")},
		{expr: `dirname(null)`, err: "argument must not be null"},
		{expr: `file("tpl/b.conf")`, want: cty.StringVal("b")},
		{expr: `filebase64("hello.txt")`, want: cty.StringVal("aGVsbG8K")},
		{expr: `filebase64("missing")`, err: "no file exists at missing"},
		{expr: `fileexists(null)`, err: "argument must not be null"},
		{expr: `fileset("missing", "*")`, want: cty.SetValEmpty(cty.String)},
		{expr: `fileset(".", "[")`, err: "failed to glob pattern"},
		{expr: `pathexpand("rel/x")`, want: cty.StringVal("rel/x")},
		{expr: `pathexpand(null)`, err: "argument must not be null"},
		{expr: `templatefile("hello.txt", {})`, want: cty.StringVal("hello\n")},

		{expr: `formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2024-03-05T07:08:09+01:00")`, want: cty.StringVal("Tue, 05 Mar 2024 07:08:09 +0100")},
		{expr: `formatdate("YYYY", "yesterday")`, err: "not a valid RFC3339 timestamp"},
		{expr: `timeadd("2024-03-01T00:00:00Z", "-1s")`, want: cty.StringVal("2024-02-29T23:59:59Z")},
		{expr: `timeadd("2024-01-01T00:00:00Z", "1d")`, err: "unknown unit"},
		{fn: "timestamp", expr: `length(timestamp())`, want: cty.NumberIntVal(20)},
		{fn: "timestamp", expr: `formatdate("ZZZ", timestamp())`, want: cty.StringVal("UTC")},
		{expr: `timestamp("x")`, err: "Too many function arguments"},
		{fn: "legacy_isotime", expr: `length(legacy_isotime("2006-01-02"))`, want: cty.NumberIntVal(10)},
		{expr: `legacy_isotime("")`, want: cty.StringVal("")},
		{fn: "legacy_strftime", expr: `length(legacy_strftime("%Y-%m-%d"))`, want: cty.NumberIntVal(10)},
		{expr: `legacy_strftime("%Q")`, want: cty.StringVal("%Q")},
		{expr: `legacy_strftime("%Y", "x")`, err: "too many values"},

		{fn: "bcrypt", expr: `length(bcrypt("secret", 4))`, want: cty.NumberIntVal(60)},
		{fn: "bcrypt", expr: `substr(bcrypt("", 4), 0, 7)`, want: cty.StringVal("$2a$04$")},
		{expr: `bcrypt("secret", 32)`, err: "cost 32 is outside allowed inclusive range 4..31"},
		{expr: `md5("")`, want: cty.StringVal("d41d8cd98f00b204e9800998ecf8427e")},
		{expr: `md5(["a"])`, err: "string required"},
		{expr: `sha1("")`, want: cty.StringVal("da39a3ee5e6b4b0d3255bfef95601890afd80709")},
		{expr: `sha1(["a"])`, err: "string required"},
		{expr: `sha256("")`, want: cty.StringVal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")},
		{expr: `sha256(["a"])`, err: "string required"},
		{expr: `sha512("hello")`, want: cty.StringVal("9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043")},
		{expr: `sha512("")`, want: cty.StringVal("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")},
		{expr: `sha512(["a"])`, err: "string required"},
		// testkey.pem is a key made for these tests; secret.b64 and
		// empty.b64 are "kiln" and "" encrypted with it.
		{expr: `rsadecrypt(file("secret.b64"), file("testkey.pem"))`, want: cty.StringVal("kiln")},
		{expr: `rsadecrypt(file("empty.b64"), file("testkey.pem"))`, want: cty.StringVal("")},

		{fn: "uuidv4", expr: `length(uuidv4())`, want: cty.NumberIntVal(36)},
		{fn: "uuidv4", expr: `substr(uuidv4(), 14, 1)`, want: cty.StringVal("4")},
		{expr: `uuidv4("x")`, err: "Too many function arguments"},
		{expr: `uuidv5("oid", "")`, want: cty.StringVal("0a68eb57-c88a-5f34-9e9d-27f85e68af4f")},

		{expr: `cidrhost("10.0.0.0/8", 0)`, want: cty.StringVal("10.0.0.0")},
		{expr: `cidrnetmask("10.0.0.0/32")`, want: cty.StringVal("255.255.255.255")},
		{expr: `cidrsubnet("10.0.0.0/8", 0, 0)`, want: cty.StringVal("10.0.0.0/8")},
		{expr: `cidrsubnets("10.0.0.0/8")`, want: cty.ListValEmpty(cty.String)},
		{expr: `cidrsubnets("10.0.0.0/30", 4)`, err: "would extend prefix to 34 bits"},

		{expr: `can(1)`, want: cty.True},
		{expr: `can()`, err: "Not enough function arguments"},
		{expr: `try(null, "b")`, want: cty.NullVal(cty.DynamicPseudoType)},
		{expr: `try(file("missing"))`, err: "no expression succeeded"},
		{expr: `convert("x", number)`, err: "a number is required"},

		{expr: `vault("secret/x")`, err: "Not enough function arguments"},
		{expr: `vault(null, "k")`, err: "argument must not be null"},
		{expr: `consul_key()`, err: "Not enough function arguments"},
		{expr: `consul_key(null)`, err: "argument must not be null"},
		{expr: `aws_secretsmanager_raw()`, err: "Not enough function arguments"},
		{expr: `aws_secretsmanager_raw(null)`, err: "argument must not be null"},
		{expr: `aws_secretsmanager()`, err: "Not enough function arguments"},
		{expr: `aws_secretsmanager(null, "k")`, err: "argument must not be null"},

		// Where go-cty's functions panic, kiln's fail plainly.
		{expr: `log(-1, 10)`, err: "the logarithm is not a real number"},
		{expr: `log(1, 1)`, err: "the logarithm is not a real number"},
		{expr: `pow(-1, 0.5)`, err: "the power is not a real number"},
		{expr: `pow(0, -1)`, want: cty.PositiveInfinity},
		{expr: `indent(-1, "a\nb")`, err: "the number of spaces must not be negative"},
		{expr: `indent(0, "a\nb")`, want: cty.StringVal("a\nb")},
		{expr: `sum([1/0, -1/0])`, err: "cannot sum infinities of opposite signs"},
		{expr: `sum([1/0, 1])`, want: cty.PositiveInfinity},
	}
	// Every function has a normal case, an edge case (two that evaluate)
	// and an error.
	ok, failing := map[string]int{}, map[string]int{}
	for _, tt := range tests {
		fn := tt.fn
		if fn == "" {
			fn, _, _ = strings.Cut(tt.expr, "(")
		}
		if tt.err == "" {
			ok[fn]++
		} else {
			failing[fn]++
		}
	}
	// The functions that read secret stores only fail here: they read
	// fake stores in TestSecretFunctions and TestAWSSecretsManager.
	neverEvaluate := map[string]bool{"aws_secretsmanager": true, "aws_secretsmanager_raw": true, "consul_key": true, "vault": true}
	for name := range Functions(".") {
		if neverEvaluate[name] {
			if failing[name] < 2 {
				t.Errorf("%s: %d cases, want 2 that fail", name, failing[name])
			}
			continue
		}
		if ok[name] < 2 || failing[name] < 1 {
			t.Errorf("%s: %d cases that evaluate and %d that fail, want 2 and 1", name, ok[name], failing[name])
		}
	}

	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, diags := eval(t, tt.expr)
			if tt.err != "" {
				if !diags.HasErrors() {
					t.Fatalf("got %#v, want an error containing %q", got, tt.err)
				}
				if !strings.Contains(diags.Error(), tt.err) {
					t.Fatalf("error %q does not contain %q", diags.Error(), tt.err)
				}
				if strings.Contains(diags.Error(), "panic") {
					t.Fatalf("the function panicked: %s", diags.Error())
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("error: %s", diags.Error())
			}
			if !got.RawEquals(tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestNondeterministicFunctions(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, _ := eval(t, `uuidv4()`)
	b, _ := eval(t, `uuidv4()`)
	if !uuid.MatchString(a.AsString()) || a.RawEquals(b) {
		t.Errorf("uuidv4: %s, %s", a.AsString(), b.AsString())
	}

	h, diags := eval(t, `bcrypt("secret", 5)`)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if err := bcrypt.CompareHashAndPassword([]byte(h.AsString()), []byte("secret")); err != nil {
		t.Errorf("bcrypt: %v", err)
	}
	if cost, _ := bcrypt.Cost([]byte(h.AsString())); cost != 5 {
		t.Errorf("bcrypt cost %d", cost)
	}

	// timestamp is read at every call.
	calls := 0
	now = func() time.Time {
		calls++
		return time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	}
	defer func() { now = time.Now }()
	ts, _ := eval(t, `[timestamp(), timestamp()]`)
	if got := ts.Index(cty.NumberIntVal(0)).AsString(); got != "2024-01-02T02:04:05Z" || calls != 2 {
		t.Errorf("timestamp: %s after %d calls", got, calls)
	}

	// legacy_* format the start time of the run.
	iso, _ := eval(t, `legacy_isotime()`)
	if iso.AsString() != initTime.Format(time.RFC3339) {
		t.Errorf("legacy_isotime() = %s", iso.AsString())
	}
	year, _ := eval(t, `legacy_isotime("2006")`)
	sf, _ := eval(t, `legacy_strftime("%Y")`)
	if year.AsString() != sf.AsString() || year.AsString() != initTime.Format("2006") {
		t.Errorf("legacy_isotime(2006) = %s, legacy_strftime(%%Y) = %s", year.AsString(), sf.AsString())
	}

	abs, _ := eval(t, `abspath("x")`)
	wd, _ := os.Getwd()
	if abs.AsString() != filepath.ToSlash(filepath.Join(wd, "x")) {
		t.Errorf("abspath = %s", abs.AsString())
	}
	home, err := os.UserHomeDir()
	if err == nil {
		p, _ := eval(t, `pathexpand("~/x")`)
		if p.AsString() != filepath.Join(home, "x") {
			t.Errorf("pathexpand = %s", p.AsString())
		}
	}
}

func TestStrftime(t *testing.T) {
	ts := time.Date(2009, 2, 3, 14, 5, 6, 7000000, time.UTC)
	tests := map[string]string{
		"%Y-%m-%d %H:%M:%S": "2009-02-03 14:05:06",
		"%a %A %b %B":       "Tue Tuesday Feb February",
		"%y %j %I %p %l":    "09 034 02 PM  2",
		"%e|%k|%L|%u|%w":    " 3|14|007|2|2",
		"%F %T %D %R %%":    "2009-02-03 14:05:06 02/03/09 14:05 %",
		"%Q stays":          "%Q stays",
	}
	for format, want := range tests {
		if got := Strftime(format, ts); got != want {
			t.Errorf("Strftime(%q) = %q, want %q", format, got, want)
		}
	}
}
