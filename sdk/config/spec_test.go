package config_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/sdk/config"
)

var ctyTypeEqual = cmp.Comparer(func(a, b cty.Type) bool { return a.Equals(b) })

func TestSpec(t *testing.T) {
	spec := config.Spec(&testConfig{})

	mountSpec := hcldec.ObjectSpec{
		"source":    &hcldec.AttrSpec{Name: "source", Type: cty.String, Required: true},
		"target":    &hcldec.AttrSpec{Name: "target", Type: cty.String},
		"read_only": &hcldec.AttrSpec{Name: "read_only", Type: cty.Bool},
		"wait":      &hcldec.AttrSpec{Name: "wait", Type: cty.String},
	}
	tests := []struct {
		key  string
		want hcldec.Spec
	}{
		// Squashed embedded struct (sdk.PackerConfig).
		{"packer_build_name", &hcldec.AttrSpec{Name: "packer_build_name", Type: cty.String}},
		{"packer_debug", &hcldec.AttrSpec{Name: "packer_debug", Type: cty.Bool}},
		{"packer_user_variables", &hcldec.AttrSpec{Name: "packer_user_variables", Type: cty.Map(cty.String)}},
		{"packer_sensitive_variables", &hcldec.AttrSpec{Name: "packer_sensitive_variables", Type: cty.List(cty.String)}},
		// Squashed named field.
		{"communicator", &hcldec.AttrSpec{Name: "communicator", Type: cty.String}},
		{"ssh_timeout", &hcldec.AttrSpec{Name: "ssh_timeout", Type: cty.String}},
		// Scalars.
		{"image", &hcldec.AttrSpec{Name: "image", Type: cty.String, Required: true}},
		{"pull", &hcldec.AttrSpec{Name: "pull", Type: cty.Bool}},
		{"privileged", &hcldec.AttrSpec{Name: "privileged", Type: cty.Bool}},
		{"execute_command", &hcldec.AttrSpec{Name: "execute_command", Type: cty.String}},
		{"port", &hcldec.AttrSpec{Name: "port", Type: cty.Number}},
		{"ratio", &hcldec.AttrSpec{Name: "ratio", Type: cty.Number}},
		{"timeout", &hcldec.AttrSpec{Name: "timeout", Type: cty.String}},
		// Collections and dynamic values.
		{"volumes", &hcldec.AttrSpec{Name: "volumes", Type: cty.Map(cty.String)}},
		{"run_command", &hcldec.AttrSpec{Name: "run_command", Type: cty.List(cty.String)}},
		{"ports", &hcldec.AttrSpec{Name: "ports", Type: cty.List(cty.Number)}},
		{"extra", &hcldec.AttrSpec{Name: "extra", Type: cty.DynamicPseudoType}},
		{"settings", &hcldec.AttrSpec{Name: "settings", Type: cty.DynamicPseudoType}},
		// Blocks.
		{"mount", &hcldec.BlockListSpec{TypeName: "mount", Nested: mountSpec}},
		{"login", &hcldec.BlockSpec{TypeName: "login", Nested: hcldec.ObjectSpec{
			"server":   &hcldec.AttrSpec{Name: "server", Type: cty.String, Required: true},
			"username": &hcldec.AttrSpec{Name: "username", Type: cty.String},
		}}},
		{"registry", &hcldec.BlockMapSpec{TypeName: "registry", LabelNames: []string{"name"}, Nested: hcldec.ObjectSpec{
			"url":      &hcldec.AttrSpec{Name: "url", Type: cty.String},
			"insecure": &hcldec.AttrSpec{Name: "insecure", Type: cty.Bool},
		}}},
		// HCLTyper overrides the Go kind.
		{"fix", &hcldec.AttrSpec{Name: "fix", Type: cty.Bool}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spec[tt.key], ctyTypeEqual); diff != "" {
				t.Errorf("spec[%q] mismatch (-want +got):\n%s", tt.key, diff)
			}
		})
	}

	t.Run("keys", func(t *testing.T) {
		got := slices.Sorted(maps.Keys(spec))
		var want []string
		for _, tt := range tests {
			want = append(want, tt.key)
		}
		// Keys of sdk.PackerConfig not listed above.
		want = append(want, "packer_builder_type", "packer_core_version", "packer_force",
			"packer_on_error", "packer_template_path")
		slices.Sort(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("spec keys mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestSpecRequiredBlocks(t *testing.T) {
	type inner struct {
		A string `mapstructure:"a"`
	}
	type cfg struct {
		One  inner   `mapstructure:"one" required:"true"`
		Many []inner `mapstructure:"many" required:"true"`
	}
	spec := config.Spec(cfg{})
	if got := spec["one"].(*hcldec.BlockSpec); !got.Required {
		t.Errorf("one: Required = false, want true")
	}
	if got := spec["many"].(*hcldec.BlockListSpec); got.MinItems != 1 {
		t.Errorf("many: MinItems = %d, want 1", got.MinItems)
	}
}

func TestSpecCachedAndCopied(t *testing.T) {
	a := config.Spec(&testConfig{})
	a["image"] = nil
	delete(a, "port")
	b := config.Spec((*testConfig)(nil))
	if b["image"] == nil || b["port"] == nil {
		t.Fatal("modifying a returned spec changed the cached one")
	}
	if a["mount"] != b["mount"] {
		t.Error("nested specs are rebuilt on each call, want them cached")
	}
}

func TestSpecOfErrors(t *testing.T) {
	type recursive struct {
		Child []recursive `mapstructure:"child"`
	}
	type base struct {
		Name string `mapstructure:"name"`
	}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, "not a struct"},
		{"int", 3, "not a struct"},
		{"map", map[string]any{}, "not a struct"},
		{"func field", &struct {
			F func() `mapstructure:"f"`
		}{}, "field F: unsupported type func()"},
		{"chan field", &struct {
			C chan int `mapstructure:"c"`
		}{}, "field C: unsupported type chan int"},
		{"complex field", &struct {
			C complex128 `mapstructure:"c"`
		}{}, "unsupported type complex128"},
		{"int map key", &struct {
			M map[int]string `mapstructure:"m"`
		}{}, "unsupported map key type int"},
		{"struct in list of lists", &struct {
			L [][]base `mapstructure:"l"`
		}{}, "structs are blocks"},
		{"recursive block", &recursive{}, "recursive block type"},
		{"squash non-struct", &struct {
			S string `mapstructure:",squash"`
		}{}, "cannot squash string"},
		{"remain", &struct {
			R map[string]any `mapstructure:",remain"`
		}{}, `",remain" is not supported`},
		{"duplicate key", &struct {
			base `mapstructure:",squash"`
			Name string `mapstructure:"name"`
		}{}, `duplicate key "name"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := config.SpecOf(tt.v)
			if err == nil {
				t.Fatalf("SpecOf = %v, want error containing %q", spec, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "config: spec of ") {
				t.Errorf("SpecOf error = %q, want it to contain %q", err, tt.want)
			}
			func() {
				defer func() {
					if recover() == nil {
						t.Error("Spec did not panic")
					}
				}()
				config.Spec(tt.v)
			}()
			if tt.v != nil {
				if err := config.Decode(tt.v, nil); err == nil {
					t.Error("Decode with an invalid target succeeded")
				}
			}
		})
	}
}

// ptrTri implements HCLTyper on its pointer receiver.
type ptrTri struct{ set, value bool }

func (*ptrTri) HCLType() cty.Type { return cty.Bool }

func (p *ptrTri) UnmarshalMapstructure(v any) error {
	b, ok := v.(bool)
	if !ok {
		return fmt.Errorf("expected a bool, got %v", v)
	}
	*p = ptrTri{set: true, value: b}
	return nil
}

func TestPointerFieldsAndBlocks(t *testing.T) {
	type inner struct {
		A string `mapstructure:"a"`
	}
	type cfg struct {
		S      *string           `mapstructure:"s"`
		N      *int              `mapstructure:"n"`
		D      *time.Duration    `mapstructure:"d"`
		Unset  *bool             `mapstructure:"unset"`
		Tri    ptrTri            `mapstructure:"tri"`
		One    *inner            `mapstructure:"one"`
		Many   []*inner          `mapstructure:"many"`
		Named  map[string]*inner `mapstructure:"named"`
		Matrix [][]int           `mapstructure:"matrix"`
	}
	spec := config.Spec(&cfg{})
	wantTypes := map[string]cty.Type{
		"s": cty.String, "n": cty.Number, "d": cty.String, "unset": cty.Bool, "tri": cty.Bool,
		"matrix": cty.List(cty.List(cty.Number)),
	}
	for k, want := range wantTypes {
		if got := spec[k].(*hcldec.AttrSpec).Type; !got.Equals(want) {
			t.Errorf("spec[%q] type = %s, want %s", k, got.FriendlyName(), want.FriendlyName())
		}
	}
	src := `
s = "x"
n = 3
d = "2s"
tri = true
matrix = [[1, 2], [3]]
one {
  a = "1"
}
many {
  a = "2"
}
many {
}
named "k" {
  a = "3"
}
`
	var c cfg
	v, _, diags := decodeHCL(t, &c, src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if err := config.Decode(&c, nil, v); err != nil {
		t.Fatal(err)
	}
	s, n, d := "x", 3, 2*time.Second
	want := cfg{
		S: &s, N: &n, D: &d, Tri: ptrTri{set: true, value: true},
		Matrix: [][]int{{1, 2}, {3}},
		One:    &inner{A: "1"}, Many: []*inner{{A: "2"}, {}}, Named: map[string]*inner{"k": {A: "3"}},
	}
	if diff := cmp.Diff(want, c, cmp.AllowUnexported(ptrTri{})); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentUse(t *testing.T) {
	type fresh struct {
		A string        `mapstructure:"a" required:"true"`
		B time.Duration `mapstructure:"b"`
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				_ = config.Spec(&fresh{})
				var c fresh
				if err := config.Decode(&c, nil, map[string]any{"a": "x", "b": "1s"}); err != nil || c.B != time.Second {
					t.Errorf("Decode = %v, %+v", err, c)
				}
			}
		})
	}
	wg.Wait()
}
