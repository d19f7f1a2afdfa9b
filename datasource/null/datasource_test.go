package null

import (
	"testing"

	"github.com/hashicorp/hcl/v2/hcldec"
)

func TestNull(t *testing.T) {
	d := &Datasource{}
	if err := d.Configure(map[string]any{"input": "hello"}); err != nil {
		t.Fatal(err)
	}
	v, err := d.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := v.GetAttr("output").AsString(); got != "hello" {
		t.Errorf("output = %q", got)
	}
	if want := hcldec.ImpliedType(d.OutputSpec()); !v.Type().Equals(want) {
		t.Errorf("type %s, want %s", v.Type().FriendlyName(), want.FriendlyName())
	}
	if err := (&Datasource{}).Configure(map[string]any{}); err == nil {
		t.Error("missing input accepted")
	}
}
