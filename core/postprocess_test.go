package core

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

// ppSpec describes one post-processor of a chain in the table below.
type ppSpec struct {
	out         string // id of the artifact returned; "" returns none
	keep, force bool   // the post-processor's own answer
	user        *bool  // keep_input_artifact
	err         error
	panics      bool
	configErr   error
	destroyErr  error // of the artifact it returns
}

func ptr(b bool) *bool { return &b }

func TestRunPostProcessors(t *testing.T) {
	boom := errors.New("boom")
	nope := errors.New("nope")
	tests := []struct {
		name          string
		chains        [][]ppSpec
		builderDelErr error
		want          []string // ids of the artifacts returned
		destroyed     []string
		wantErr       string
	}{
		{name: "no post-processors keep the builder artifact", want: []string{"builder"}},
		{
			name:      "a post-processor not keeping its input",
			chains:    [][]ppSpec{{{out: "a"}}},
			want:      []string{"a"},
			destroyed: []string{"builder"},
		},
		{
			name:   "a post-processor keeping its input",
			chains: [][]ppSpec{{{out: "a", keep: true}}},
			want:   []string{"builder", "a"},
		},
		{
			name:   "user true keeps",
			chains: [][]ppSpec{{{out: "a", user: ptr(true)}}},
			want:   []string{"builder", "a"},
		},
		{
			name:      "user false wins over the default",
			chains:    [][]ppSpec{{{out: "a", keep: true, user: ptr(false)}}},
			want:      []string{"a"},
			destroyed: []string{"builder"},
		},
		{
			name:   "forceOverride wins over user false",
			chains: [][]ppSpec{{{out: "a", keep: true, force: true, user: ptr(false)}}},
			want:   []string{"builder", "a"},
		},
		{
			name:      "forceOverride never forces a deletion",
			chains:    [][]ppSpec{{{out: "a", keep: false, force: true, user: ptr(true)}}},
			want:      []string{"builder", "a"},
			destroyed: nil,
		},
		{
			name:      "forceOverride without keep does not keep",
			chains:    [][]ppSpec{{{out: "a", force: true}}},
			want:      []string{"a"},
			destroyed: []string{"builder"},
		},
		{
			name:   "any chain's first post-processor keeping keeps the builder artifact",
			chains: [][]ppSpec{{{out: "a"}}, {{out: "b", keep: true}}},
			want:   []string{"builder", "a", "b"},
		},
		{
			name:      "kept intermediate artifacts are listed before the chain's last",
			chains:    [][]ppSpec{{{out: "a"}, {out: "b", keep: true}, {out: "c"}}},
			want:      []string{"a", "c"},
			destroyed: []string{"b", "builder"},
		},
		{
			name:   "a later keep does not keep the builder artifact",
			chains: [][]ppSpec{{{out: "a", keep: true}, {out: "b"}}},
			// pp 2 does not keep a: destroyed; pp 1 kept the builder's.
			want:      []string{"builder", "b"},
			destroyed: []string{"a"},
		},
		{
			name:      "no artifact ends the chain and lists nothing for it",
			chains:    [][]ppSpec{{{out: ""}, {out: "never"}}},
			want:      []string{},
			destroyed: []string{"builder"},
		},
		{
			name: "no artifact mid-chain leaves its input alone",
			// a is neither listed nor destroyed, as in Packer.
			chains: [][]ppSpec{{{out: "a", keep: true}, {out: ""}}},
			want:   []string{"builder"},
		},
		{
			name:      "an error ends its chain only",
			chains:    [][]ppSpec{{{err: boom}, {out: "never"}}, {{out: "b"}}},
			want:      []string{"b"},
			destroyed: []string{"builder"},
			wantErr:   "1 error(s) occurred:\n\n* Post-processor failed: boom",
		},
		{
			name:    "a panic is an error",
			chains:  [][]ppSpec{{{panics: true}}, {{out: "b", keep: true}}},
			want:    []string{"builder", "b"},
			wantErr: "1 error(s) occurred:\n\n* Post-processor failed: post-processor fake-pp panicked: pp exploded",
		},
		{
			name:      "a configuration error is a post-processor error",
			chains:    [][]ppSpec{{{configErr: errors.New("bad attribute"), out: "never"}}},
			want:      []string{},
			destroyed: []string{"builder"},
			wantErr:   "1 error(s) occurred:\n\n* Post-processor failed: bad attribute",
		},
		{
			name:          "errors gather, destroy errors included",
			chains:        [][]ppSpec{{{out: "a", destroyErr: nope}, {out: "b"}}, {{err: boom}}},
			builderDelErr: nope,
			want:          []string{"b"},
			destroyed:     []string{"a", "builder"},
			wantErr: "3 error(s) occurred:\n\n" +
				"* Failed cleaning up prior artifact: nope; pp is fake-pp\n" +
				"* Post-processor failed: boom\n" +
				`* Error destroying builder artifact: nope; bad artifact: []string{"builder.img"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &events{}
			builder := &fakeArtifact{id: "builder", files: []string{"builder.img"}, events: ev, destroyErr: tt.builderDelErr}
			var chains [][]*PostProcessor
			for _, c := range tt.chains {
				var chain []*PostProcessor
				for _, s := range c {
					pp := &fakePP{keep: s.keep, force: s.force, err: s.err, panics: s.panics}
					if s.out != "" {
						pp.out = &fakeArtifact{id: s.out, events: ev, destroyErr: s.destroyErr}
					}
					p := postProcessor(pp, s.user)
					if s.configErr != nil {
						p.Configure = func(map[string]any) (sdk.PostProcessor, error) { return nil, s.configErr }
					}
					chain = append(chain, p)
				}
				chains = append(chains, chain)
			}
			got, err := runPostProcessors(t.Context(), chainRun{
				buildName: "fake.b", builderUi: ui.NewNoop(), parentUi: ui.NewNoop(),
			}, chains, builder)

			ids := []string{}
			for _, a := range got {
				ids = append(ids, a.Id())
			}
			if d := cmp.Diff(tt.want, ids); d != "" {
				t.Errorf("artifacts (-want +got):\n%s", d)
			}
			var destroyed []string
			for _, e := range ev.list() {
				if len(e) > 8 && e[:8] == "destroy " {
					destroyed = append(destroyed, e[8:])
				}
			}
			if d := cmp.Diff(tt.destroyed, destroyed); d != "" {
				t.Errorf("destroyed (-want +got):\n%s", d)
			}
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("err = %q\nwant  %q", gotErr, tt.wantErr)
			}
		})
	}
}

func TestRunPostProcessorsErrorsUnwrap(t *testing.T) {
	boom := errors.New("boom")
	builder := &fakeArtifact{id: "builder"}
	_, err := runPostProcessors(t.Context(), chainRun{builderUi: ui.NewNoop(), parentUi: ui.NewNoop()},
		[][]*PostProcessor{{postProcessor(&fakePP{err: boom}, nil)}}, builder)
	var ppErr *PostProcessorError
	if !errors.Is(err, boom) || !errors.As(err, &ppErr) || ppErr.Type != "fake-pp" {
		t.Errorf("err = %#v", err)
	}
}

func TestPostProcessorsGetGeneratedData(t *testing.T) {
	first := &fakePP{name: "first", keep: true, out: &fakeArtifact{id: "a"}}
	second := &fakePP{name: "second", keep: true, out: &fakeArtifact{id: "b"}}
	builder := &fakeArtifact{id: "builder", generated: map[string]any{"ID": "c1", "ImageSha256": "abc"}}
	rec := &ui.Recorder{}
	_, err := runPostProcessors(t.Context(), chainRun{buildName: "docker.x", builderUi: ui.Targeted(rec, "docker.x", ui.NoColor), parentUi: rec, runUUID: "run-1"},
		[][]*PostProcessor{{postProcessor(first, nil), postProcessor(second, nil)}}, builder)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"ID": "c1", "ImageSha256": "abc", "PackerRunUUID": "run-1"}, first.gotData); d != "" {
		t.Errorf("first pp data (-want +got):\n%s", d)
	}
	// The second receives the first's artifact, which has no generated data.
	if d := cmp.Diff(map[string]any{"PackerRunUUID": "run-1"}, second.gotData); d != "" {
		t.Errorf("second pp data (-want +got):\n%s", d)
	}
	if _, ok := builder.generated["PackerRunUUID"]; ok {
		t.Error("the artifact's own generated data was modified")
	}
	want := []string{
		"==> docker.x: Running post-processor: first (type fake-pp)",
		"==> docker.x (fake-pp): post-processing builder",
		"==> docker.x: Running post-processor: second (type fake-pp)",
		"==> docker.x (fake-pp): post-processing a",
	}
	if d := cmp.Diff(want, rec.Lines()); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
}

func TestKeepInput(t *testing.T) {
	for _, tt := range []struct {
		def, force bool
		user       *bool
		want       bool
	}{
		{false, false, nil, false},
		{true, false, nil, true},
		{true, true, nil, true},
		{false, true, nil, false},
		{false, false, ptr(true), true},
		{false, true, ptr(true), true},
		{true, false, ptr(false), false},
		{true, true, ptr(false), true},
		{false, true, ptr(false), false},
	} {
		if got := keepInput(tt.def, tt.force, tt.user); got != tt.want {
			t.Errorf("keepInput(%v, %v, %v) = %v", tt.def, tt.force, tt.user != nil && *tt.user, got)
		}
	}
}

func TestPostProcessorNameDisplay(t *testing.T) {
	rec := &ui.Recorder{}
	pp := &PostProcessor{Type: "manifest", Configure: func(map[string]any) (sdk.PostProcessor, error) {
		return &fakePP{}, nil
	}}
	_, _ = runPostProcessors(t.Context(), chainRun{buildName: "b", builderUi: rec, parentUi: ui.NewNoop()},
		[][]*PostProcessor{{pp}}, &fakeArtifact{id: "x"})
	if got := rec.Says()[0]; got != "Running post-processor: manifest" {
		t.Errorf("say = %q", got)
	}
}
