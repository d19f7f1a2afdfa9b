package compconfig

import (
	"errors"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/zclconf/go-cty/cty"
)

type cfg struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Name             string `mapstructure:"name"`
	Later            string `mapstructure:"later"`
	Port             int    `mapstructure:"port"`
}

func TestDecodeRendersFromPackerSettings(t *testing.T) {
	var c cfg
	ictx, err := Decode(&c, []string{"later"}, map[string]any{
		"name":  "{{ build_name }}-{{ user `v` }}",
		"later": "{{ .Path }}",
		"port":  "{{ user `port` }}",
	}, map[string]any{
		"packer_build_name":     "web",
		"packer_user_variables": map[string]any{"v": "x", "port": "2222"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "web-x" || c.Later != "{{ .Path }}" || c.Port != 2222 {
		t.Errorf("decoded %+v", c)
	}
	if ictx.BuildName != "web" || ictx.UserVariables["v"] != "x" {
		t.Errorf("context %+v", ictx)
	}
}

func TestContextFromCty(t *testing.T) {
	ictx := Context(cty.ObjectVal(map[string]cty.Value{
		"packer_build_name":   cty.StringVal("b"),
		"packer_builder_type": cty.StringVal("null"),
		"packer_user_variables": cty.MapVal(map[string]cty.Value{
			"k": cty.StringVal("v"),
		}),
	}), cty.NullVal(cty.DynamicPseudoType), nil)
	if ictx.BuildName != "b" || ictx.BuildType != "null" || ictx.UserVariables["k"] != "v" {
		t.Errorf("context %+v", ictx)
	}
}

func TestErrors(t *testing.T) {
	var errs Errors
	if errs.Err() != nil {
		t.Error("no errors, yet Err() != nil")
	}
	errs.Add(nil)
	errs.Add(errors.New("plain"))
	errs.Key("name", "bad %s", "name")
	err := errs.Err()
	fes := config.FieldErrors(err)
	if len(fes) != 1 || fes[0].Path != "name" || !strings.Contains(err.Error(), "plain") {
		t.Errorf("Err() = %v (field errors %v)", err, fes)
	}
}
