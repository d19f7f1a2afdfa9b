package commonsteps

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/multistep"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

type logStep struct {
	name string
	mu   *sync.Mutex
	log  *[]string
	run  func(context.Context, *multistep.State) multistep.Action
}

func (s *logStep) Name() string { return s.name }

func (s *logStep) add(e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*s.log = append(*s.log, e)
}

func (s *logStep) Run(ctx context.Context, state *multistep.State) multistep.Action {
	s.add("run " + s.name)
	if s.run != nil {
		return s.run(ctx, state)
	}
	return multistep.Continue
}

func (s *logStep) Cleanup(*multistep.State) { s.add("cleanup " + s.name) }

func logSteps(log *[]string, names ...string) []*logStep {
	mu := &sync.Mutex{}
	out := make([]*logStep, len(names))
	for i, n := range names {
		out[i] = &logStep{name: n, mu: mu, log: log}
	}
	return out
}

func asSteps(s []*logStep) []multistep.Step {
	out := make([]multistep.Step, len(s))
	for i, st := range s {
		out[i] = st
	}
	return out
}

func TestNewRunnerDebugPauses(t *testing.T) {
	var log []string
	steps := logSteps(&log, "StepA", "StepB")
	rec := &ui.Recorder{Answers: []string{"", "", "", ""}}
	err := NewRunner(asSteps(steps), sdk.PackerConfig{PackerDebug: true}, rec).Run(t.Context(), multistep.NewState())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Pausing after run of step 'StepA'. Press enter to continue.",
		"Pausing after run of step 'StepB'. Press enter to continue.",
		"Pausing before cleanup of step 'StepB'. Press enter to continue.",
		"Pausing before cleanup of step 'StepA'. Press enter to continue.",
	}
	var asked []string
	for _, c := range rec.Calls() {
		if c.Method == "ask" {
			asked = append(asked, c.Text)
		}
	}
	if d := cmp.Diff(want, asked); d != "" {
		t.Errorf("asked (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"run StepA", "run StepB", "cleanup StepB", "cleanup StepA"}, log); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
}

func TestNewRunnerDebugHaltingStepHasNoPause(t *testing.T) {
	var log []string
	steps := logSteps(&log, "StepA", "StepB")
	steps[1].run = func(_ context.Context, s *multistep.State) multistep.Action {
		return multistep.HaltWith(s, errors.New("boom"))
	}
	rec := &ui.Recorder{}
	_ = NewRunner(asSteps(steps), sdk.PackerConfig{PackerDebug: true, PackerOnError: OnErrorAbort}, rec).Run(t.Context(), multistep.NewState())
	var got []string
	for _, c := range rec.Calls() {
		got = append(got, c.Method+": "+c.Text)
	}
	// The pause after a step runs only if it continued; with abort, the
	// pauses still come before each (skipped) cleanup, as in Packer.
	want := []string{
		"ask: Pausing after run of step 'StepA'. Press enter to continue.",
		"error: boom",
		`error: Step "StepB" failed, aborting...`,
		"ask: Pausing before cleanup of step 'StepA'. Press enter to continue.",
		`error: aborted: skipping cleanup of step "StepA"`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ui (-want +got):\n%s", d)
	}
}

func TestNewRunnerAskPrompt(t *testing.T) {
	for _, tt := range []struct {
		answers []string
		want    byte
		says    []string
	}{
		{[]string{"c"}, 'c', nil},
		{[]string{"Abort"}, 'a', nil},
		{[]string{"r"}, 'r', nil},
		{[]string{""}, 'c', nil},
		{nil, 'c', nil}, // no input possible
		{[]string{"?", "x", "a"}, 'a', []string{`Incorrect input: "?"`, `Incorrect input: "x"`}},
	} {
		rec := &ui.Recorder{Answers: tt.answers}
		if got := askPrompt(rec); got != tt.want {
			t.Errorf("answers %q: got %c, want %c", tt.answers, got, tt.want)
		}
		if d := cmp.Diff(tt.says, rec.Says()); d != "" {
			t.Errorf("answers %q: says (-want +got):\n%s", tt.answers, d)
		}
		if asks := len(rec.Calls()) - len(rec.Says()); asks < 1 || rec.Calls()[0].Text != AskPrompt {
			t.Errorf("answers %q: calls %v", tt.answers, rec.Calls())
		}
	}
}

func TestNewRunnerNilUi(t *testing.T) {
	var log []string
	steps := logSteps(&log, "StepA")
	steps[0].run = func(_ context.Context, s *multistep.State) multistep.Action {
		return multistep.HaltWith(s, errors.New("boom"))
	}
	for _, mode := range []string{"", OnErrorAbort, OnErrorAsk, OnErrorRunCleanupProvisioner} {
		err := NewRunner(asSteps(steps), sdk.PackerConfig{PackerOnError: mode, PackerDebug: true}, nil).Run(t.Context(), multistep.NewState())
		if err == nil {
			t.Errorf("%q: no error", mode)
		}
	}
}

func TestNewRunnerKeepsStepNames(t *testing.T) {
	var log []string
	steps := logSteps(&log, "StepA")
	steps[0].run = func(_ context.Context, s *multistep.State) multistep.Action {
		return multistep.HaltWith(s, errors.New("boom"))
	}
	for _, mode := range []string{"", OnErrorAbort, OnErrorAsk, OnErrorRunCleanupProvisioner} {
		err := NewRunner(asSteps(steps), sdk.PackerConfig{PackerOnError: mode}, ui.NewNoop()).Run(t.Context(), multistep.NewState())
		var se *multistep.StepError
		if !errors.As(err, &se) || se.Step != "StepA" {
			t.Errorf("%q: err = %v", mode, err)
		}
	}
}

func TestCleanupProvisionerWithoutHook(t *testing.T) {
	// A failed sequence whose state has no hook: the message, nothing else.
	var log []string
	steps := logSteps(&log, "StepB")
	steps[0].run = func(_ context.Context, s *multistep.State) multistep.Action {
		return multistep.HaltWith(s, errors.New("boom"))
	}
	rec := &ui.Recorder{}
	err := NewRunner([]multistep.Step{&StepProvision{}, steps[0]}, sdk.PackerConfig{}, rec).Run(t.Context(), multistep.NewState())
	if err == nil || rec.Says()[0] != CleanupProvisionMessage {
		t.Errorf("err = %v, says %q", err, rec.Says())
	}
}
