package legacy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/ui"
)

func TestInspectedVariables(t *testing.T) {
	tpl, err := Parse([]byte(`{
		"variables": {"token": "s3cret", "copy": "s3cret", "other": "x", "empty": "", "needed": null},
		"sensitive-variables": ["token"],
		"builders": [{"type": "null"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []InspectedVariable{
		{Name: "copy", Default: ui.Redacted},
		{Name: "empty"},
		{Name: "needed", Required: true},
		{Name: "other", Default: "x"},
		{Name: "token", Default: ui.Redacted, Sensitive: true},
	}
	if diff := cmp.Diff(want, tpl.InspectedVariables()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The machine-readable lines come before the text they go with, in
// Packer's order.
func TestInspectMachineLines(t *testing.T) {
	tpl, err := Parse([]byte(`{
		"variables": {"a": "1", "b": null},
		"builders": [{"type": "null", "name": "x"}, {"type": "docker"}],
		"provisioners": [{"type": "shell"}, {"type": "file"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	rec := &ui.Recorder{}
	tpl.Inspect(rec)
	want := []string{
		"template-variable,b,,1",
		"template-variable,a,1,0",
		"template-builder,docker,docker",
		"template-builder,x,null",
		"template-provisioner,shell",
		"template-provisioner,file",
	}
	if diff := cmp.Diff(want, rec.Machines()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Each machine line comes right before the line it describes.
	calls := rec.Calls()
	for i, c := range calls {
		if c.Method == "machine" && (i+1 >= len(calls) || calls[i+1].Method != "say" || !strings.Contains(calls[i+1].Text, c.Args[0])) {
			t.Errorf("machine call %v is not followed by its line", c)
		}
	}
}
