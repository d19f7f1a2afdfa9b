package interpolate

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template"
	"time"
)

// at is the fixed time the tests render {{ timestamp }} and friends with:
// 2021-03-04 05:06:07.089 UTC, a Thursday.
var at = time.Date(2021, 3, 4, 5, 6, 7, 89_000_000, time.UTC)

func TestFunctions(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	base := Context{
		UserVariables:     map[string]string{"name": "web", "empty": ""},
		BuildName:         "ubuntu",
		BuildType:         "docker",
		TemplatePath:      "/work/templates/t.json",
		CorePackerVersion: "1.16.0",
		Now:               at,
		Getenv:            func(k string) string { return map[string]string{"HOME": "/home/me"}[k] },
	}
	withEnv := base
	withEnv.EnableEnv = true
	generated := base
	generated.Data = map[string]any{"ID": "c0ffee", "Host": "10.0.0.2", "Port": 22}

	tests := []struct {
		name string
		ctx  Context
		in   string
		want string
		err  string
	}{
		{name: "user", ctx: base, in: "{{user `name`}}", want: "web"},
		{name: "user undefined renders empty", ctx: base, in: "[{{user `nope`}}]", want: "[]"},
		{name: "user undefined fails in variables", ctx: withEnv, in: "{{user `nope`}}", err: "Error: variable not set: nope"},
		{name: "env in variables", ctx: withEnv, in: "{{env `HOME`}}", want: "/home/me"},
		{name: "env unset is empty", ctx: withEnv, in: "[{{env `NOPE`}}]", want: "[]"},
		{name: "env elsewhere", ctx: base, in: "{{env `HOME`}}", err: "env vars are not allowed here"},
		{name: "timestamp", ctx: base, in: "{{timestamp}}", want: "1614834367"},
		{name: "isotime", ctx: base, in: "{{isotime}}", want: "2021-03-04T05:06:07Z"},
		{name: "isotime layout", ctx: base, in: `{{isotime "2006-01-02"}}`, want: "2021-03-04"},
		{name: "isotime two layouts", ctx: base, in: `{{isotime "a" "b"}}`, err: "too many values, 1 needed: [a b]"},
		{name: "strftime", ctx: base, in: `{{strftime "%Y%m%d-%H%M%S"}}`, want: "20210304-050607"},
		{name: "build_name", ctx: base, in: "{{build_name}}", want: "ubuntu"},
		{name: "build_name unset", ctx: Context{}, in: "{{build_name}}", err: "build_name not available"},
		{name: "build_type", ctx: base, in: "{{build_type}}", want: "docker"},
		{name: "build_type unset", ctx: Context{}, in: "{{build_type}}", err: "build_type not available"},
		{name: "template_dir", ctx: base, in: "{{template_dir}}", want: "/work/templates"},
		{name: "template_dir unset", ctx: Context{}, in: "{{template_dir}}", err: "template path not available"},
		{name: "pwd", ctx: base, in: "{{pwd}}", want: wd},
		{name: "packer_version", ctx: base, in: "{{packer_version}}", want: "1.16.0"},
		{name: "packer_version unset", ctx: Context{}, in: "{{packer_version}}", err: "packer_version not available"},
		{name: "split", ctx: base, in: "{{split `a-b-c` `-` 1}}", want: "b"},
		{name: "split out of range", ctx: base, in: "{{split `a-b` `-` 2}}", err: "the substring 2 was unavailable using the separator value, -, only 2 values were found"},
		{name: "replace", ctx: base, in: "{{replace `a` `b` 1 `aaa`}}", want: "baa"},
		{name: "replace all with -1", ctx: base, in: "{{replace `a` `b` -1 `aaa`}}", want: "bbb"},
		{name: "replace_all", ctx: base, in: "{{replace_all `-` `.` `1-2-3`}}", want: "1.2.3"},
		{name: "lower", ctx: base, in: "{{lower `ABC`}}", want: "abc"},
		{name: "upper", ctx: base, in: "{{upper `abc`}}", want: "ABC"},
		{name: "pipeline", ctx: base, in: "{{user `name` | upper}}", want: "WEB"},
		{name: "clean_resource_name", ctx: base, in: "{{clean_resource_name `My Image_v1.2`}}", want: "my-image-v1-2"},
		{name: "build with data", ctx: generated, in: "{{build `ID`}}@{{build `Host`}}", want: "c0ffee@10.0.0.2"},
		{name: "build unknown key", ctx: generated, in: "{{build `Nope`}}", err: "loaded data, but couldnt find Nope in it."},
		{name: "build of a non-string value", ctx: generated, in: "{{build `Port`}}", err: "loaded data, but couldnt find Port in it."},
		{name: "build without data", ctx: base, in: "{{build `ID`}}", err: "Error validating build variable: the given variable ID will not be passed into your plugin."},
		{name: "sed", ctx: base, in: "{{sed `s/a/b/` `a`}}", err: "template function `sed` is deprecated use `replace` or `replace_all` instead.Documentation: https://www.packer.io/docs/templates/engine"},
		{name: "consul_key outside variables", ctx: base, in: "{{consul_key `k`}}", err: "consul_key is not allowed here"},
		{name: "consul_key unsupported", ctx: withEnv, in: "{{consul_key `k`}}", err: "the consul_key template function is not supported by kiln"},
		{name: "vault outside variables", ctx: base, in: "{{vault `p` `k`}}", err: "Vault vars are only allowed in the variables section"},
		{name: "vault unsupported", ctx: withEnv, in: "{{vault `p` `k`}}", err: "the vault template function is not supported by kiln"},
		{name: "aws_secretsmanager outside variables", ctx: base, in: "{{aws_secretsmanager `s`}}", err: "AWS Secrets Manager is only allowed in the variables section"},
		{name: "aws_secretsmanager without name", ctx: withEnv, in: "{{aws_secretsmanager}}", err: "secret name must be provided"},
		{name: "aws_secretsmanager too many", ctx: withEnv, in: "{{aws_secretsmanager `a` `b` `c`}}", err: "only secret name and optional secret key can be provided."},
		{name: "aws_secretsmanager unsupported", ctx: withEnv, in: "{{aws_secretsmanager `s` `k`}}", err: "the aws_secretsmanager template function is not supported by kiln"},
		{name: "aws_secretsmanager_raw unsupported", ctx: withEnv, in: "{{aws_secretsmanager_raw `s`}}", err: "the aws_secretsmanager_raw template function is not supported by kiln"},
		{name: "user with a template value", ctx: Context{UserVariables: map[string]string{"a": "{{upper `x`}}"}}, in: "{{user `a`}}", want: "X"},
		{name: "user without a name", ctx: base, in: "{{user}}", err: "wrong number of args for user: want 1 got 0"},
		{name: "env without a name", ctx: withEnv, in: "{{env}}", err: "wrong number of args for env: want 1 got 0"},
		{name: "timestamp with an argument", ctx: base, in: "{{timestamp `x`}}", err: "wrong number of args for timestamp: want 0 got 1"},
		{name: "timestamp is stable in a render", ctx: base, in: "{{timestamp}}={{timestamp}}", want: "1614834367=1614834367"},
		{name: "isotime empty layout", ctx: base, in: `[{{isotime ""}}]`, want: "[]"},
		{name: "strftime no directive", ctx: base, in: `{{strftime "plain"}}`, want: "plain"},
		{name: "strftime without a format", ctx: base, in: "{{strftime}}", err: "wrong number of args for strftime: want 1 got 0"},
		{name: "uuid with an argument", ctx: base, in: "{{uuid `x`}}", err: "wrong number of args for uuid: want 0 got 1"},
		{name: "build_name in a pipeline", ctx: base, in: "{{build_name | upper}}", want: "UBUNTU"},
		{name: "pwd with an argument", ctx: base, in: "{{pwd `x`}}", err: "wrong number of args for pwd: want 0 got 1"},
		{name: "template_dir of a relative path", ctx: Context{TemplatePath: "t.json"}, in: "{{template_dir}}", want: wd},
		{name: "split without the separator", ctx: base, in: "{{split `abc` `-` 0}}", want: "abc"},
		{name: "split negative index", ctx: base, in: "{{split `a-b` `-` -1}}", err: "the substring -1 was unavailable"},
		{name: "replace none", ctx: base, in: "{{replace `a` `b` 0 `aaa`}}", want: "aaa"},
		{name: "replace with a string count", ctx: base, in: "{{replace `a` `b` `1` `aaa`}}", err: "expected integer; found `1`"},
		{name: "replace_all no match", ctx: base, in: "{{replace_all `x` `y` `abc`}}", want: "abc"},
		{name: "replace_all missing argument", ctx: base, in: "{{replace_all `x` `y`}}", err: "wrong number of args for replace_all: want 3 got 2"},
		{name: "lower non-ASCII", ctx: base, in: "{{lower `ÉTÉ`}}", want: "été"},
		{name: "lower without an argument", ctx: base, in: "{{lower}}", err: "wrong number of args for lower: want 1 got 0"},
		// Go's (and so Packer's) upper case maps rune by rune: ß stays.
		{name: "upper non-ASCII", ctx: base, in: "{{upper `straße`}}", want: "STRAßE"},
		{name: "upper of a number", ctx: base, in: "{{upper 1}}", err: "expected string; found 1"},
		{name: "clean_resource_name already clean", ctx: base, in: "{{clean_resource_name `web-01`}}", want: "web-01"},
		{name: "clean_resource_name non-ASCII", ctx: base, in: "{{clean_resource_name `É`}}", want: "--"},
		{name: "clean_resource_name without an argument", ctx: base, in: "{{clean_resource_name}}", err: "wrong number of args for clean_resource_name: want 1 got 0"},
		{name: "packer_version in a pipeline", ctx: base, in: "{{packer_version | printf `v%s`}}", want: "v1.16.0"},
		{name: "build_type with an argument", ctx: base, in: "{{build_type `x`}}", err: "wrong number of args for build_type: want 0 got 1"},
		{name: "aws_secretsmanager_raw outside variables", ctx: base, in: "{{aws_secretsmanager_raw `s`}}", err: "AWS Secrets Manager is only allowed in the variables section"},
		{name: "unknown function", ctx: base, in: "{{nope}}", err: `template: root:1: function "nope" not defined`},
		{name: "text/template builtins", ctx: base, in: `{{if eq (user "name") "web"}}yes{{end}} {{printf "%03d" 7}}`, want: "yes 007"},
		{name: "no template", ctx: base, in: "plain {text}", want: "plain {text}"},
	}
	// Every function has a case that renders and a case that fails, but
	// for those whose rendering cases are tests of their own.
	elsewhere := map[string]string{
		"uuid": "TestUUID", "consul_key": "TestSecretReaders", "vault": "TestSecretReaders",
		"aws_secretsmanager": "TestSecretReaders", "aws_secretsmanager_raw": "TestSecretReaders",
		"sed": "always fails",
	}
	for _, fn := range FuncNames {
		word := regexp.MustCompile(`\b` + fn + `\b`)
		var ok, failing int
		for _, tt := range tests {
			if word.MatchString(tt.in) {
				if tt.err == "" {
					ok++
				} else {
					failing++
				}
			}
		}
		if (ok == 0 && elsewhere[fn] == "") || failing == 0 {
			t.Errorf("%s: %d rendering and %d failing cases, want both", fn, ok, failing)
		}
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			got, err := Render(tt.in, &ctx)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Render(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Render(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// While components are prepared, {{ build }} leaves a reference to the
// value the build will have.
func TestBuildPlaceholder(t *testing.T) {
	got, err := RenderOnce("{{build `Host`}}:{{build `ImageSha256`}}", &Context{Data: PlaceholderData([]string{"ImageSha256"})})
	if err != nil || got != "{{.Host}}:{{.ImageSha256}}" {
		t.Errorf("RenderOnce = %q, %v; want the references", got, err)
	}
}

func TestSecretReaders(t *testing.T) {
	ctx := &Context{EnableEnv: true, Secrets: SecretReaders{
		Consul:       func(k string) (string, error) { return "consul:" + k, nil },
		Vault:        func(p, k string) (string, error) { return "vault:" + p + "#" + k, nil },
		AWSSecret:    func(n, k string) (string, error) { return "aws:" + n + "#" + k, nil },
		AWSSecretRaw: func(n string) (string, error) { return "raw:" + n, nil },
	}}
	got, err := Render("{{consul_key `a`}} {{vault `p` `k`}} {{aws_secretsmanager `n`}} {{aws_secretsmanager `n` `k`}} {{aws_secretsmanager_raw `n`}}", ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "consul:a vault:p#k aws:n# aws:n#k raw:n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTimeDefaultsToInitTime(t *testing.T) {
	a, err := Render("{{timestamp}} {{isotime}}", &Context{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	b, err := Render("{{timestamp}} {{isotime}}", nil)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("renders a second apart differ: %q, %q; one run has one time", a, b)
	}
	if want := InitTime.Format(time.RFC3339); !strings.HasSuffix(a, want) {
		t.Errorf("isotime = %q, want InitTime %q", a, want)
	}
}

func TestUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	a, err := Render("{{uuid}}", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Render("{{uuid}}", nil)
	if !re.MatchString(a) || a == b {
		t.Errorf("uuids %q, %q: want two different UUID-shaped values", a, b)
	}
	now := time.Now().Unix()
	var ts int64
	for _, c := range a[:8] {
		ts = ts*16 + int64(strings.IndexRune("0123456789abcdef", c))
	}
	if ts < now-5 || ts > now+5 {
		t.Errorf("uuid %q does not start with the current time", a)
	}
}

func TestStrftime(t *testing.T) {
	tests := map[string]string{
		"%a %A %b %B":    "Thu Thursday Mar March",
		"%c":             "Thu Mar  4 05:06:07 2021",
		"%C %y %Y":       "20 21 2021",
		"%d %e %j":       "04  4 063",
		"%D %F %T %R":    "03/04/21 2021-03-04 05:06:07 05:06",
		"%H %I %k %l %p": "05 05  5  5 AM",
		"%L %s":          "089 1614834367",
		"%u %w %U":       "4 4 09",
		"%z %Z %%":       "+0000 UTC %",
		"%n%t":           "\n\t",
		"%q and 100%":    "%q and 100%",
	}
	for in, want := range tests {
		if got := Strftime(in, at); got != want {
			t.Errorf("Strftime(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderRepeatsUntilStable(t *testing.T) {
	ctx := &Context{UserVariables: map[string]string{"a": "{{user `b`}}", "b": "deep"}}
	got, err := Render("{{user `a`}}", ctx)
	if err != nil || got != "deep" {
		t.Errorf("Render = %q, %v; want deep", got, err)
	}
	once, err := RenderOnce("{{user `a`}}", ctx)
	if err != nil || once != "{{user `b`}}" {
		t.Errorf("RenderOnce = %q, %v", once, err)
	}
}

func TestRenderExcluding(t *testing.T) {
	ctx := &Context{UserVariables: map[string]string{"ip": "1.2.3.4"}}
	got, err := RenderExcluding("http://{{ .HTTPIP }}:{{.HTTPPort}}/{{user `ip`}}", ctx, FieldReference)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://{{ .HTTPIP }}:{{.HTTPPort}}/1.2.3.4"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExecErrorIsTextTemplates(t *testing.T) {
	_, err := RenderOnce("{{user `x`}}", &Context{EnableEnv: true, UserVariables: map[string]string{}})
	var ee template.ExecError
	if !errors.As(err, &ee) {
		t.Fatalf("error %v (%T) is not a text/template ExecError", err, err)
	}
	if want := "template: root:1:2: executing \"root\" at <user `x`>: error calling user: Error: variable not set: x"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestPlaceholderData(t *testing.T) {
	data := PlaceholderData([]string{"ImageSha256"})
	if got := data["ID"]; got != "Build_ID. "+PlaceholderMsg {
		t.Errorf("ID = %q", got)
	}
	if got := data["ConnType"]; got != "Build_Type. "+PlaceholderMsg {
		t.Errorf("ConnType = %q", got)
	}
	if got := data["WinRMPassword"]; got != "{{.WinRMPassword}}" {
		t.Errorf("WinRMPassword = %q", got)
	}
	if !IsPlaceholder(data["ImageSha256"]) || IsPlaceholder("x") || IsPlaceholder(3) {
		t.Error("IsPlaceholder answers wrongly")
	}
	// Before the build runs, {{ build }} renders a reference for the real
	// value, as in Packer (components render their configuration once).
	got, err := RenderOnce("{{ build `Host` }}:{{build `ImageSha256`}} {{build `WinRMPassword`}}", &Context{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if want := "{{.Host}}:{{.ImageSha256}} {{.WinRMPassword}}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRenderPartial(t *testing.T) {
	user := map[string]string{"u": "admin", "pkg": "nginx"}
	generated := map[string]any{"Host": "10.0.0.2", "ID": PlaceholderData(nil)["ID"]}
	tests := []struct {
		name string
		data any
		in   string
		want string
	}{
		{name: "component fields are kept", in: "{{ .Vars }} sudo -u {{user `u`}} {{.Path}}", want: "{{ .Vars }} sudo -u admin {{.Path}}"},
		{name: "control structures on fields are kept", in: "{{if .Sudo}}sudo {{end}}apt-get install {{user `pkg`}}", want: "{{if .Sudo}}sudo {{end}}apt-get install nginx"},
		{name: "control structures without fields render", in: `{{if eq (user "u") "admin"}}root{{else}}user{{end}}`, want: "root"},
		{name: "nested structures", in: "{{if .A}}{{range .B}}{{.}}{{end}}{{end}}|{{user `u`}}", want: "{{if .A}}{{range .B}}{{.}}{{end}}{{end}}|admin"},
		{name: "fields generated data holds render", data: generated, in: "ssh {{ .Host }} {{ .ID }} {{ .Vars }}", want: "ssh 10.0.0.2 {{ .ID }} {{ .Vars }}"},
		{name: "build on placeholders leaves a reference", data: generated, in: "{{build `ID`}}", want: "{{.ID}}"},
		{name: "quoted braces in actions", in: "{{ \"}}\" }}-{{ `{{` }}-{{ '}' }}", want: "}}-{{-125"},
		{name: "comments", in: "a{{/* note }} */}}b", want: "ab"},
		{name: "trim markers around a rendered action", in: "a  {{- user `u` -}}  b", want: "aadminb"},
		{name: "trim markers on a kept action", in: "a  {{- .X -}}  b", want: "a  {{- .X -}}  b"},
		{name: "dollar refers to the data", in: "{{ $.X }} {{ $ }}", want: "{{ $.X }} {{ $ }}"},
		{name: "local variables", in: "{{ $v := user `u` }}{{ $v }}", want: "admin"},
		{name: "with on a field", in: "{{with .X}}{{.}}{{end}}", want: "{{with .X}}{{.}}{{end}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderPartial(tt.in, &Context{UserVariables: user, Data: tt.data})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("RenderPartial(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderPartialWithStructData(t *testing.T) {
	// A component rendering its own template gives a struct: everything
	// renders, as with Render.
	data := struct{ Vars, Path string }{"A=1", "/tmp/script.sh"}
	got, err := RenderPartial("{{.Vars}} {{.Path}}", &Context{Data: data})
	if err != nil || got != "A=1 /tmp/script.sh" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestRenderPartialErrorsAreTextTemplates(t *testing.T) {
	_, err := RenderPartial("{{ .X }} {{ nope }}", &Context{})
	if err == nil || err.Error() != `template: root:1: function "nope" not defined` {
		t.Errorf("error = %v", err)
	}
	_, err = RenderPartial("{{ .X }} {{ split `a` `-` 3 }}", &Context{})
	if err == nil || !strings.Contains(err.Error(), "the substring 3 was unavailable") {
		t.Errorf("error = %v", err)
	}
}

func TestRenderMap(t *testing.T) {
	in := map[string]any{
		"name":   "{{user `n`}}-{{build_name}}",
		"count":  3.0,
		"flag":   true,
		"none":   nil,
		"list":   []any{"{{user `n`}}", 1.0, []any{"{{ .Name }}"}},
		"nested": map[string]any{"{{user `n`}}_key": "{{upper `v`}}"},
	}
	ctx := &Context{UserVariables: map[string]string{"n": "x"}, BuildName: "b"}
	got, err := RenderMap(in, ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name":   "x-b",
		"count":  3.0,
		"flag":   true,
		"none":   nil,
		"list":   []any{"x", 1.0, []any{"{{ .Name }}"}},
		"nested": map[string]any{"x_key": "V"},
	}
	if !equalJSON(got, want) {
		t.Errorf("RenderMap = %#v, want %#v", got, want)
	}
	if in["name"] != "{{user `n`}}-{{build_name}}" {
		t.Error("RenderMap modified its input")
	}
	_, err = RenderMap(map[string]any{"k": []any{"{{ env `X` }}"}}, ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "render 'k': template: root:1:3: executing") || !strings.HasSuffix(err.Error(), "env vars are not allowed here in:\n\n{{ env `X` }}") {
		t.Errorf("error = %v", err)
	}
}

func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equalJSON(v, y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestTemplateDirIsAbsolute(t *testing.T) {
	got, err := Render("{{template_dir}}", &Context{TemplatePath: "rel/t.json"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("rel")
	if got != want {
		t.Errorf("template_dir = %q, want %q", got, want)
	}
}

func TestRenderMapErrors(t *testing.T) {
	ctx := &Context{}
	m := map[string]any{"b": "{{ build_name }}", "a": map[string]any{"x": []any{"{{ nope }}"}}}
	_, err := RenderMap(m, ctx)
	want := "invalid 'a': template: root:1: function \"nope\" not defined in:\n\n{{ nope }}"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	delete(m, "a")
	_, err = RenderMap(m, ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "render 'b': template: root:1:3: executing") || !strings.HasSuffix(err.Error(), "build_name not available in:\n\n{{ build_name }}") {
		t.Errorf("error = %v", err)
	}
	got, err := RenderMap(map[string]any{"{{ upper `k` }}": "v"}, ctx)
	if err != nil || got["{{ upper `k` }}"] != "v" {
		t.Errorf("top-level keys are kept: got %v, %v", got, err)
	}
}
