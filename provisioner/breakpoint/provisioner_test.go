package breakpoint

import (
	"slices"
	"testing"

	"github.com/kilnbuild/kiln/ui"
)

func TestBreakpoint(t *testing.T) {
	for _, tc := range []struct {
		cfg     map[string]any
		answers []string
		says    []string
		asked   bool
		wantErr bool
	}{
		{map[string]any{"note": "look"}, []string{""}, []string{`Pausing at breakpoint provisioner with note "look".`}, true, false},
		{map[string]any{"disable": true}, nil, []string{"Breakpoint provisioner disabled; continuing..."}, false, false},
		{map[string]any{}, nil, []string{"Pausing at breakpoint provisioner."}, true, true}, // no input possible
	} {
		p := &Provisioner{}
		if err := p.Prepare(tc.cfg); err != nil {
			t.Fatal(err)
		}
		rec := &ui.Recorder{Answers: tc.answers}
		err := p.Provision(t.Context(), rec, nil, nil)
		if (err != nil) != tc.wantErr {
			t.Errorf("%v: err = %v", tc.cfg, err)
		}
		if !slices.Equal(rec.Says(), tc.says) {
			t.Errorf("%v: says = %q, want %q", tc.cfg, rec.Says(), tc.says)
		}
		asked := slices.ContainsFunc(rec.Calls(), func(c ui.Call) bool { return c.Method == "ask" && c.Text == "Press enter to continue." })
		if asked != tc.asked {
			t.Errorf("%v: asked = %v", tc.cfg, asked)
		}
	}
}
