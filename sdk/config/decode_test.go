package config_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

var ignoreUnexported = cmpopts.IgnoreUnexported(testConfig{})

// wantDiag describes an expected hcldec diagnostic.
type wantDiag struct {
	summary string
	line    int
	column  int
	detail  string // a substring of the detail
}

func TestDecodeHCL(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// Either hcldec fails with diag...
		diag *wantDiag
		// ...or Decode fails with errs...
		errs []string
		// ...or Decode succeeds and the config is want.
		want testConfig
	}{
		{
			name: "all kinds",
			src: `
image       = "ubuntu:24.04"
pull        = true
port        = 2222
ratio       = 0.5
timeout     = "1h30m"
volumes     = { "/tmp" = "/data", cache = "/cache" }
run_command = ["-d", "-i"]
ports       = [80, 443]
extra       = { a = 1, b = ["x"] }
settings    = { name = "x", n = 2.5 }
communicator      = "ssh"
ssh_timeout       = "5m"
packer_build_name = "web"
fix               = false

mount {
  source = "/a"
  target = "/b"
}
mount {
  source    = "/c"
  read_only = true
  wait      = "10s"
}
login {
  server = "registry.example.com"
}
registry "hub" {
  url = "https://hub.example.com"
}
registry "local" {
  insecure = true
}
`,
			want: testConfig{
				PackerConfig: sdk.PackerConfig{PackerBuildName: "web"},
				Comm:         commConfig{Type: "ssh", SSHTimeout: 5 * time.Minute},
				Image:        "ubuntu:24.04",
				Pull:         true,
				Port:         2222,
				Ratio:        0.5,
				Timeout:      90 * time.Minute,
				Volumes:      map[string]string{"/tmp": "/data", "cache": "/cache"},
				RunCommand:   []string{"-d", "-i"},
				Ports:        []int{80, 443},
				Extra:        map[string]any{"a": 1, "b": []any{"x"}},
				Settings:     map[string]any{"name": "x", "n": 2.5},
				Fix:          triFalse,
				Mount: []mountConfig{
					{Source: "/a", Target: "/b"},
					{Source: "/c", ReadOnly: true, Wait: 10 * time.Second},
				},
				Login: &loginConfig{Server: "registry.example.com"},
				Registry: map[string]registryConfig{
					"hub":   {URL: "https://hub.example.com"},
					"local": {Insecure: true},
				},
			},
		},
		{
			name: "unknown attribute",
			src:  "image = \"x\"\n  pul = true\n",
			diag: &wantDiag{"Unsupported argument", 2, 3, `Did you mean "pull"?`},
		},
		{
			name: "unknown block",
			src:  "image = \"x\"\nmnt {\n}\n",
			diag: &wantDiag{"Unsupported block type", 2, 1, `Did you mean "mount"?`},
		},
		{
			name: "wrong type number",
			src:  "image = \"x\"\nport = \"abc\"\n",
			diag: &wantDiag{"Incorrect attribute value type", 2, 8, "a number is required"},
		},
		{
			name: "wrong type bool",
			src:  "image = \"x\"\nprivileged = \"yes\"\n",
			diag: &wantDiag{"Incorrect attribute value type", 2, 14, "a bool is required"},
		},
		{
			name: "wrong type map",
			src:  "image = \"x\"\nvolumes = \"x\"\n",
			diag: &wantDiag{"Incorrect attribute value type", 2, 11, "map of string required"},
		},
		{
			name: "missing required",
			src:  "port = 22\n",
			diag: &wantDiag{"Missing required argument", 1, 1, `The argument "image" is required`},
		},
		{
			name: "missing required in block",
			src:  "image = \"x\"\nmount {\n  target = \"/b\"\n}\n",
			diag: &wantDiag{"Missing required argument", 2, 7, `The argument "source" is required`},
		},
		{
			name: "bad duration",
			src:  "image = \"x\"\ntimeout = \"5 minutes\"\n",
			errs: []string{`timeout: invalid duration "5 minutes": write a number and a unit, such as "90s", "5m" or "1h30m"`},
		},
		{
			name: "duration without unit",
			src:  "image = \"x\"\ntimeout = 300\n",
			errs: []string{`timeout: invalid duration "300": write a number and a unit, such as "90s", "5m" or "1h30m"`},
		},
		{
			name: "bad duration in repeated block",
			src:  "image = \"x\"\nmount {\n  source = \"/a\"\n}\nmount {\n  source = \"/b\"\n  wait = \"soon\"\n}\n",
			errs: []string{`mount.1.wait: invalid duration "soon": write a number and a unit, such as "90s", "5m" or "1h30m"`},
		},
		{
			name: "fractional integer",
			src:  "image = \"x\"\nport = 22.5\n",
			errs: []string{`port: expected a whole number, got number 22.5`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c testConfig
			val, _, diags := decodeHCL(t, &c, tt.src)
			if tt.diag != nil {
				checkDiag(t, diags, *tt.diag)
				return
			}
			if diags.HasErrors() {
				t.Fatalf("hcldec.Decode: %s", diags)
			}
			err := config.Decode(&c, nil, val)
			if diff := cmp.Diff(tt.errs, messages(t, err)); diff != "" {
				t.Fatalf("Decode errors mismatch (-want +got):\n%s", diff)
			}
			if tt.errs != nil {
				return
			}
			if diff := cmp.Diff(tt.want, c, ignoreUnexported); diff != "" {
				t.Errorf("config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func checkDiag(t *testing.T, diags hcl.Diagnostics, want wantDiag) {
	t.Helper()
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1: %s", len(diags), diags)
	}
	d := diags[0]
	if d.Severity != hcl.DiagError || d.Summary != want.summary || !strings.Contains(d.Detail, want.detail) {
		t.Errorf("diagnostic = %q / %q, want %q / containing %q", d.Summary, d.Detail, want.summary, want.detail)
	}
	if d.Subject == nil {
		t.Fatal("diagnostic has no subject")
	}
	if got := d.Subject.Start; got.Line != want.line || got.Column != want.column {
		t.Errorf("diagnostic at %d,%d, want %d,%d", got.Line, got.Column, want.line, want.column)
	}
}

func TestDecodeJSON(t *testing.T) {
	const durHint = `write a number and a unit, such as "90s", "5m" or "1h30m"`
	tests := []struct {
		name string
		json string
		errs []string
		want testConfig
	}{
		{
			name: "weak typing",
			json: `{
				"image": "ubuntu", "pull": "true", "privileged": 1, "port": "2222",
				"ratio": "0.5", "timeout": "1h30m", "ssh_timeout": "30s",
				"run_command": "-d,-i,-t", "ports": [80, "443"],
				"volumes": {"/tmp": "/data", "n": 1},
				"extra": [1, "a", true], "fix": "true",
				"packer_debug": "true", "packer_force": true,
				"packer_user_variables": {"a": "b"}, "packer_sensitive_variables": ["secret"]
			}`,
			want: testConfig{
				PackerConfig: sdk.PackerConfig{
					PackerDebug: true, PackerForce: true,
					PackerUserVars: map[string]string{"a": "b"}, PackerSensitiveVars: []string{"secret"},
				},
				Comm:       commConfig{SSHTimeout: 30 * time.Second},
				Image:      "ubuntu",
				Pull:       true,
				Privileged: true,
				Port:       2222,
				Ratio:      0.5,
				Timeout:    90 * time.Minute,
				RunCommand: []string{"-d", "-i", "-t"},
				Ports:      []int{80, 443},
				Volumes:    map[string]string{"/tmp": "/data", "n": "1"},
				Extra:      []any{float64(1), "a", true},
				Fix:        triTrue,
			},
		},
		{
			name: "blocks",
			json: `{
				"image": "x",
				"mount": [{"source": "/a", "wait": "1m"}, {"source": "/b", "read_only": "true"}],
				"login": {"server": "r"},
				"registry": {"hub": {"url": "u"}}
			}`,
			want: testConfig{
				Image: "x",
				Mount: []mountConfig{{Source: "/a", Wait: time.Minute}, {Source: "/b", ReadOnly: true}},
				Login: &loginConfig{Server: "r"},
				Registry: map[string]registryConfig{
					"hub": {URL: "u"},
				},
			},
		},
		{
			name: "single block lifted to a list",
			json: `{"image": "x", "mount": {"source": "/a"}}`,
			want: testConfig{Image: "x", Mount: []mountConfig{{Source: "/a"}}},
		},
		{
			name: "empty string list",
			json: `{"image": "x", "run_command": ""}`,
			want: testConfig{Image: "x", RunCommand: []string{}},
		},
		{
			name: "unknown key with suggestion",
			json: `{"image": "x", "imgae": "y"}`,
			errs: []string{`unknown configuration key: "imgae"; did you mean "image"?`},
		},
		{
			name: "unknown key without suggestion",
			json: `{"image": "x", "zzzzzz": 1}`,
			errs: []string{`unknown configuration key: "zzzzzz"`},
		},
		{
			name: "key case matters",
			json: `{"image": "x", "Port": 22}`,
			errs: []string{`unknown configuration key: "Port"; did you mean "port"?`},
		},
		{
			name: "unknown key in block",
			json: `{"image": "x", "mount": [{"source": "/a"}, {"sorce": "/b"}]}`,
			errs: []string{
				`unknown configuration key: "mount.1.sorce"; did you mean "source"?`,
				`missing required configuration key "mount.1.source"`,
			},
		},
		{
			name: "unknown key in labelled block",
			json: `{"image": "x", "registry": {"hub": {"ur": "u"}}}`,
			errs: []string{`unknown configuration key: "registry.hub.ur"; did you mean "url"?`},
		},
		{
			name: "not a number",
			json: `{"image": "x", "port": "abc"}`,
			errs: []string{`port: expected a number, got string "abc"`},
		},
		{
			name: "not a bool",
			json: `{"image": "x", "privileged": "yes"}`,
			errs: []string{`privileged: expected a bool, got string "yes"`},
		},
		{
			name: "not a map",
			json: `{"image": "x", "volumes": "x"}`,
			errs: []string{`volumes: expected a map of strings, got string "x"`},
		},
		{
			name: "not a string",
			json: `{"image": ["a", "b"]}`,
			errs: []string{`image: expected a string, got list`},
		},
		{
			name: "bad list element",
			json: `{"image": "x", "ports": [80, "http"]}`,
			errs: []string{`ports.1: expected a number, got string "http"`},
		},
		{
			name: "not a block",
			json: `{"image": "x", "login": "r"}`,
			errs: []string{`login: expected an object, got string "r"`},
		},
		{
			name: "bad attribute in block",
			json: `{"image": "x", "mount": [{"source": "/a", "read_only": "maybe"}]}`,
			errs: []string{`mount.0.read_only: expected a bool, got string "maybe"`},
		},
		{
			name: "custom type error",
			json: `{"image": "x", "fix": "maybe"}`,
			errs: []string{`fix: expected a bool, got maybe`},
		},
		{
			name: "fractional integer",
			json: `{"image": "x", "port": 22.5}`,
			errs: []string{`port: expected a whole number, got number 22.5`},
		},
		{
			name: "bad duration",
			json: `{"image": "x", "timeout": "5 minutes"}`,
			errs: []string{`timeout: invalid duration "5 minutes": ` + durHint},
		},
		{
			name: "empty duration",
			json: `{"image": "x", "ssh_timeout": ""}`,
			errs: []string{`ssh_timeout: invalid duration "": ` + durHint},
		},
		{
			name: "number duration",
			json: `{"image": "x", "timeout": 300}`,
			errs: []string{`timeout: invalid duration 300: ` + durHint},
		},
		{
			name: "missing required",
			json: `{"port": 22}`,
			errs: []string{`missing required configuration key "image"`},
		},
		{
			name: "null is missing",
			json: `{"image": null}`,
			errs: []string{`missing required configuration key "image"`},
		},
		{
			name: "missing required in block",
			json: `{"image": "x", "login": {"username": "u"}}`,
			errs: []string{`missing required configuration key "login.server"`},
		},
		{
			name: "every problem at once",
			json: `{"imgae": "x", "port": "abc", "timeout": "soon", "mount": [{"target": "/t"}]}`,
			errs: []string{
				`unknown configuration key: "imgae"; did you mean "image"?`,
				`missing required configuration key "mount.0.source"`,
				`missing required configuration key "image"`,
				`port: expected a number, got string "abc"`,
				`timeout: invalid duration "soon": ` + durHint,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw map[string]any
			if err := json.Unmarshal([]byte(tt.json), &raw); err != nil {
				t.Fatal(err)
			}
			var c testConfig
			err := config.Decode(&c, nil, raw)
			if diff := cmp.Diff(tt.errs, messages(t, err)); diff != "" {
				t.Fatalf("Decode errors mismatch (-want +got):\n%s", diff)
			}
			if tt.errs != nil {
				return
			}
			if diff := cmp.Diff(tt.want, c, ignoreUnexported); diff != "" {
				t.Errorf("config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrorsAreWalkable(t *testing.T) {
	var c testConfig
	err := config.Decode(&c, nil, map[string]any{"imgae": "x", "port": "abc", "timeout": "soon"})
	if !errors.Is(err, config.ErrUnknownKey) || !errors.Is(err, config.ErrMissingKey) {
		t.Errorf("errors.Is does not find the sentinel causes in %v", err)
	}
	var fe *config.FieldError
	if !errors.As(err, &fe) || fe.Path != "imgae" || fe.Suggestion != "image" {
		t.Errorf("errors.As found %+v, want the unknown key", fe)
	}
	var te *config.TypeError
	if !errors.As(err, &te) || te.Expected != "a number" || te.Got != `string "abc"` {
		t.Errorf("errors.As found TypeError %+v", te)
	}
	var de *config.DurationError
	if !errors.As(err, &de) || de.Value != `"soon"` || de.Err == nil {
		t.Errorf("errors.As found DurationError %+v", de)
	}
	// A caller wrapping the error keeps every FieldError reachable.
	wrapped := fmt.Errorf("prepare docker: %w", err)
	if got := len(config.FieldErrors(wrapped)); got != 4 {
		t.Errorf("FieldErrors(wrapped) has %d errors, want 4", got)
	}
}

func TestDecodeMerge(t *testing.T) {
	hclObject := func(t *testing.T, src string) cty.Value {
		t.Helper()
		v, _, diags := decodeHCL(t, &testConfig{}, src)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return v
	}
	tests := []struct {
		name     string
		defaults testConfig
		raws     func(t *testing.T) []any
		want     testConfig
	}{
		{
			name: "later raws override earlier ones",
			raws: func(t *testing.T) []any {
				return []any{
					map[string]any{"image": "a", "port": 1, "volumes": map[string]any{"x": "1", "y": "2"}},
					hclObject(t, "image = \"b\"\nvolumes = { z = \"3\" }\n"),
					map[string]any{"pull": true},
				}
			},
			want: testConfig{Image: "b", Port: 1, Pull: true, Volumes: map[string]string{"z": "3"}},
		},
		{
			name: "later blocks replace earlier ones",
			raws: func(t *testing.T) []any {
				return []any{
					map[string]any{"image": "a", "mount": []any{map[string]any{"source": "/1"}, map[string]any{"source": "/2"}}},
					hclObject(t, "image = \"a\"\nmount {\n  source = \"/3\"\n}\n"),
				}
			},
			want: testConfig{Image: "a", Mount: []mountConfig{{Source: "/3"}}},
		},
		{
			name:     "null does not override defaults or earlier raws",
			defaults: testConfig{Port: 22, Timeout: time.Minute, Comm: commConfig{Type: "docker"}},
			raws: func(t *testing.T) []any {
				return []any{
					map[string]any{"ratio": 0.5, "mount": []any{map[string]any{"source": "/1"}}},
					hclObject(t, "image = \"a\"\n"), // everything else null, no blocks
					map[string]any{"ratio": nil, "port": nil},
				}
			},
			want: testConfig{
				Image: "a", Port: 22, Timeout: time.Minute, Ratio: 0.5,
				Comm: commConfig{Type: "docker"}, Mount: []mountConfig{{Source: "/1"}},
			},
		},
		{
			name:     "null attributes in blocks keep nested defaults",
			defaults: testConfig{Login: &loginConfig{Server: "s", Username: "default"}},
			raws: func(t *testing.T) []any {
				return []any{hclObject(t, "image = \"a\"\nlogin {\n  server = \"t\"\n}\n")}
			},
			want: testConfig{Image: "a", Login: &loginConfig{Server: "t", Username: "default"}},
		},
		{
			name:     "unknown values are skipped",
			defaults: testConfig{Port: 22, RunCommand: []string{"keep"}},
			raws: func(t *testing.T) []any {
				return []any{cty.ObjectVal(map[string]cty.Value{
					"image":       cty.StringVal("a"),
					"port":        cty.UnknownVal(cty.Number),
					"run_command": cty.ListVal([]cty.Value{cty.StringVal("x"), cty.UnknownVal(cty.String)}),
					"extra":       cty.DynamicVal,
				})}
			},
			want: testConfig{Image: "a", Port: 22, RunCommand: []string{"keep"}},
		},
		{
			name: "marked values are unmarked",
			raws: func(t *testing.T) []any {
				return []any{cty.ObjectVal(map[string]cty.Value{
					"image":   cty.StringVal("secret").Mark("sensitive"),
					"volumes": cty.MapVal(map[string]cty.Value{"a": cty.StringVal("b").Mark("sensitive")}),
					"run_command": cty.ListVal([]cty.Value{
						cty.StringVal("x").Mark("sensitive"), cty.StringVal("y"),
					}).Mark("sensitive"),
					"mount": cty.ListVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{
						"source": cty.StringVal("/s").Mark("sensitive"),
						"wait":   cty.NullVal(cty.String).Mark("sensitive"),
					})}),
				}).Mark("sensitive")}
			},
			want: testConfig{
				Image: "secret", Volumes: map[string]string{"a": "b"},
				RunCommand: []string{"x", "y"}, Mount: []mountConfig{{Source: "/s"}},
			},
		},
		{
			name: "nil, null and unknown raws are ignored",
			raws: func(t *testing.T) []any {
				return []any{nil, map[string]any{"image": "a"}, cty.NullVal(cty.DynamicPseudoType), cty.DynamicVal, map[string]any(nil)}
			},
			want: testConfig{Image: "a"},
		},
		{
			name: "maps of other value types",
			raws: func(t *testing.T) []any {
				return []any{
					map[string]string{"image": "a", "port": "8"},
					map[string]int{"ratio": 2},
					cty.MapVal(map[string]cty.Value{"pull": cty.True}),
				}
			},
			want: testConfig{Image: "a", Port: 8, Ratio: 2, Pull: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.defaults
			if err := config.Decode(&c, nil, tt.raws(t)...); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c, ignoreUnexported); diff != "" {
				t.Errorf("config mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeInterpolate(t *testing.T) {
	var paths []string
	opts := &config.DecodeOpts{
		Interpolate: func(path, value string) (string, error) {
			paths = append(paths, path)
			if strings.Contains(value, "{{fail}}") {
				return "", errors.New("template: function \"fail\" not defined")
			}
			return strings.ReplaceAll(value, "{{name}}", "web"), nil
		},
		InterpolateExclude: []string{"execute_command", "packer_user_variables"},
	}
	volumes := map[string]any{"{{name}}": "/srv/{{name}}"}
	raw := map[string]any{
		"image":                 "{{name}}:latest",
		"execute_command":       "sh -c '{{name}}'",
		"run_command":           []string{"-n", "{{name}}"},
		"volumes":               volumes,
		"mount":                 []any{map[string]any{"source": "/{{name}}"}},
		"packer_user_variables": map[string]string{"u": "{{name}}"},
		"port":                  22,
	}
	var c testConfig
	if err := config.Decode(&c, opts, raw, hclObjectWithLogin(t)); err != nil {
		t.Fatal(err)
	}
	want := testConfig{
		PackerConfig:   sdk.PackerConfig{PackerUserVars: map[string]string{"u": "{{name}}"}},
		Image:          "web:latest",
		ExecuteCommand: "sh -c '{{name}}'",
		RunCommand:     []string{"-n", "web"},
		Volumes:        map[string]string{"{{name}}": "/srv/web"},
		Mount:          []mountConfig{{Source: "/web"}},
		Login:          &loginConfig{Server: "web.example.com"},
		Port:           22,
	}
	if diff := cmp.Diff(want, c, ignoreUnexported); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}
	slices.Sort(paths)
	wantPaths := []string{"image", "login.server", "mount.0.source", "run_command.0", "run_command.1", "volumes.{{name}}"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("interpolated paths mismatch (-want +got):\n%s", diff)
	}
	if volumes["{{name}}"] != "/srv/{{name}}" {
		t.Error("Decode modified the caller's map")
	}

	t.Run("errors", func(t *testing.T) {
		var c testConfig
		err := config.Decode(&c, opts, map[string]any{
			"image": "x", "run_command": []any{"ok", "{{fail}}"}, "bogus": "{{fail}}",
		})
		want := []string{
			`unknown configuration key: "bogus"`,
			`run_command.1: template: function "fail" not defined`,
		}
		if diff := cmp.Diff(want, messages(t, err)); diff != "" {
			t.Errorf("errors mismatch (-want +got):\n%s", diff)
		}
	})
}

func hclObjectWithLogin(t *testing.T) cty.Value {
	v, _, diags := decodeHCL(t, &testConfig{}, "image = \"{{name}}:latest\"\nlogin {\n  server = \"{{name}}.example.com\"\n}\n")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return v
}

func TestDecodeMetadata(t *testing.T) {
	var md mapstructure.Metadata
	var c testConfig
	err := config.Decode(&c, &config.DecodeOpts{Metadata: &md}, map[string]any{
		"image": "x", "packer_debug": true, "mount": []any{map[string]any{"source": "/a"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"image", "packer_debug", "mount", "mount[0].source"} {
		if !slices.Contains(md.Keys, k) {
			t.Errorf("Metadata.Keys = %q, want it to contain %q", md.Keys, k)
		}
	}
	if !slices.Contains(md.Unset, "port") || slices.Contains(md.Unset, "image") {
		t.Errorf("Metadata.Unset = %q, want port and not image", md.Unset)
	}
}

func TestDecodeSkipsIgnoredFields(t *testing.T) {
	c := testConfig{Ignored: "keep", Untagged: "keep", Fix: triUnset}
	err := config.Decode(&c, nil, map[string]any{"image": "x", "Ignored": "no", "Untagged": "no", "untagged": "no"})
	want := []string{
		`unknown configuration key: "Ignored"`,
		`unknown configuration key: "Untagged"`,
		`unknown configuration key: "untagged"`,
	}
	if diff := cmp.Diff(want, messages(t, err)); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	if c.Ignored != "keep" || c.Untagged != "keep" || c.Fix != triUnset {
		t.Errorf("ignored fields were written: %+v", c)
	}
}

func TestDecodeNeverPanics(t *testing.T) {
	capsule := cty.CapsuleVal(cty.Capsule("thing", reflect.TypeFor[int]()), new(int))
	targets := []struct {
		name   string
		target any
	}{
		{"nil", nil},
		{"struct value", testConfig{}},
		{"nil pointer", (*testConfig)(nil)},
		{"pointer to int", new(int)},
		{"pointer to pointer", new(*testConfig)},
	}
	for _, tt := range targets {
		t.Run("target "+tt.name, func(t *testing.T) {
			err := config.Decode(tt.target, nil, map[string]any{"image": "x"})
			if err == nil || !strings.Contains(err.Error(), "non-nil pointer to a struct") {
				t.Errorf("Decode = %v, want a target error", err)
			}
		})
	}
	raws := []struct {
		name string
		raw  any
		want string // a substring of the error
	}{
		{"int", 42, "raw value 0: expected a cty.Value object or a map[string]any, got int"},
		{"slice", []string{"image"}, "got []string"},
		{"map with int keys", map[int]string{1: "a"}, "got map[int]string"},
		{"cty string", cty.StringVal("x"), "raw value 0: expected an object, got string"},
		{"cty list", cty.ListValEmpty(cty.String), "expected an object, got list of string"},
		{"capsule", cty.ObjectVal(map[string]cty.Value{"extra": capsule}), "extra: unsupported value of type thing"},
		{"chan value", map[string]any{"image": make(chan int)}, "image: expected a string, got chan int"},
		{"func value", map[string]any{"port": func() {}}, "port: expected a number, got func()"},
		{"blocks of scalars", map[string]any{"image": "x", "mount": []any{"a", 1}}, "mount.0: expected an object, got string \"a\"\nmount.1: expected an object, got number 1"},
		{"null block", map[string]any{"image": "x", "mount": []any{nil}}, "mount.0: expected an object, got null"},
		{"blocks not a list", map[string]any{"image": "x", "mount": "a"}, `mount: expected a list of objects, got string "a"`},
		{"block map of scalars", map[string]any{"image": "x", "registry": map[string]any{"a": 1}}, "registry.a: expected an object, got number 1"},
		{"block map not a map", map[string]any{"image": "x", "registry": []any{1}}, "registry: expected a map of objects, got list"},
		{"block not a map", map[string]any{"image": "x", "login": []any{}}, "login: expected an object, got list"},
		{"nested nils", map[string]any{"image": "x", "mount": map[string]any{}, "volumes": map[string]any{"a": nil}, "extra": []any{nil}}, ""},
		{"typed nil", map[string]any{"image": "x", "login": (*loginConfig)(nil), "volumes": map[string]string(nil)}, ""},
	}
	for _, tt := range raws {
		t.Run("raw "+tt.name, func(t *testing.T) {
			var c testConfig
			err := config.Decode(&c, nil, tt.raw)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Decode = %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// FuzzDecodeJSON checks that no JSON document makes Decode panic.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"image": "x", "port": "22", "mount": [{"source": 1}], "registry": {"a": {"url": []}}}`,
		`{"login": [], "volumes": [[1]], "timeout": true, "fix": {}, "ports": {"a": 1}}`,
		`{"extra": {"a": [null, {"b": 1e400}]}, "ratio": -1e308, "port": 1e30}`,
		`{"mount": {"wait": 5}, "settings": "x", "run_command": [{"a": 1}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var raw map[string]any
		if json.Unmarshal([]byte(s), &raw) != nil {
			return
		}
		var c testConfig
		_ = config.Decode(&c, &config.DecodeOpts{
			Interpolate: func(_, v string) (string, error) { return v, nil },
		}, raw)
	})
}
