package multistep

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder collects the order of Run and Cleanup calls across steps.
type recorder struct {
	mu  sync.Mutex
	log []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, s)
}

type testStep struct {
	name string
	rec  *recorder
	run  func(ctx context.Context, state *State) Action
}

func (s *testStep) Name() string { return s.name }

func (s *testStep) Run(ctx context.Context, state *State) Action {
	s.rec.add("run " + s.name)
	if s.run != nil {
		return s.run(ctx, state)
	}
	return Continue
}

func (s *testStep) Cleanup(*State) { s.rec.add("cleanup " + s.name) }

func steps(rec *recorder, names ...string) []Step {
	out := make([]Step, len(names))
	for i, n := range names {
		out[i] = &testStep{name: n, rec: rec}
	}
	return out
}

func TestBasicRunnerCleansUpInReverseOrder(t *testing.T) {
	rec := &recorder{}
	r := &BasicRunner{Steps: steps(rec, "a", "b", "c")}
	state := NewState()
	if err := r.Run(t.Context(), state); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []string{"run a", "run b", "run c", "cleanup c", "cleanup b", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if Halted(state) || Cancelled(state) {
		t.Errorf("halted=%v cancelled=%v after success", Halted(state), Cancelled(state))
	}
}

func TestBasicRunnerHalt(t *testing.T) {
	rec := &recorder{}
	boom := errors.New("boom")
	s := steps(rec, "a", "b", "c")
	s[1].(*testStep).run = func(_ context.Context, state *State) Action { return HaltWith(state, boom) }
	state := NewState()
	err := (&BasicRunner{Steps: s}).Run(t.Context(), state)
	var se *StepError
	if !errors.As(err, &se) || se.Step != "b" || !errors.Is(err, boom) {
		t.Fatalf("err = %v, want StepError{b, boom}", err)
	}
	want := []string{"run a", "run b", "cleanup b", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if !Halted(state) {
		t.Error("Halted = false after a halt")
	}
}

func TestBasicRunnerHaltWithoutError(t *testing.T) {
	rec := &recorder{}
	s := steps(rec, "a")
	s[0].(*testStep).run = func(context.Context, *State) Action { return Halt }
	err := (&BasicRunner{Steps: s}).Run(t.Context(), NewState())
	if !errors.Is(err, ErrHalted) {
		t.Fatalf("err = %v, want ErrHalted", err)
	}
}

func TestBasicRunnerCancelMidStep(t *testing.T) {
	rec := &recorder{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	started := make(chan struct{})
	s := steps(rec, "a", "b", "c")
	s[1].(*testStep).run = func(ctx context.Context, state *State) Action {
		close(started)
		select {
		case <-ctx.Done():
			return HaltWith(state, ctx.Err())
		case <-time.After(10 * time.Second):
			return Continue
		}
	}
	go func() {
		<-started
		cancel()
	}()
	state := NewState()
	err := (&BasicRunner{Steps: s}).Run(ctx, state)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	want := []string{"run a", "run b", "cleanup b", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestBasicRunnerCancelBetweenSteps(t *testing.T) {
	rec := &recorder{}
	ctx, cancel := context.WithCancel(t.Context())
	s := steps(rec, "a", "b")
	// The step finishes its work, but the context ends meanwhile: the
	// next step must not start.
	s[0].(*testStep).run = func(context.Context, *State) Action { cancel(); return Continue }
	state := NewState()
	err := (&BasicRunner{Steps: s}).Run(ctx, state)
	if !errors.Is(err, context.Canceled) || !Cancelled(state) {
		t.Fatalf("err = %v, cancelled = %v", err, Cancelled(state))
	}
	want := []string{"run a", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestBasicRunnerPanickingStep(t *testing.T) {
	rec := &recorder{}
	s := steps(rec, "a", "b", "c")
	s[1].(*testStep).run = func(context.Context, *State) Action { panic("kaboom") }
	state := NewState()
	err := (&BasicRunner{Steps: s}).Run(t.Context(), state)
	var se *StepError
	if !errors.As(err, &se) || se.Step != "b" || !strings.Contains(err.Error(), "kaboom") {
		t.Fatalf("err = %v, want a StepError for b mentioning the panic", err)
	}
	want := []string{"run a", "run b", "cleanup b", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if !Halted(state) {
		t.Error("Halted = false after a panic")
	}
}

type panickyCleanup struct{ testStep }

func (p *panickyCleanup) Cleanup(*State) { p.rec.add("cleanup " + p.name); panic("cleanup failed") }

func TestBasicRunnerPanickingCleanupDoesNotStopOthers(t *testing.T) {
	rec := &recorder{}
	s := []Step{
		&testStep{name: "a", rec: rec},
		&panickyCleanup{testStep{name: "b", rec: rec}},
		&testStep{name: "c", rec: rec},
	}
	state := NewState()
	if err := (&BasicRunner{Steps: s}).Run(t.Context(), state); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []string{"run a", "run b", "run c", "cleanup c", "cleanup b", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if got := CleanupPanics(state); len(got) != 1 || !strings.Contains(got[0], "b: cleanup failed") {
		t.Errorf("CleanupPanics = %q", got)
	}
}

func TestDebugRunnerPausesBeforeEachStepByName(t *testing.T) {
	rec := &recorder{}
	var paused []string
	r := &DebugRunner{
		Steps: steps(rec, "StepOne", "StepTwo"),
		Pause: func(_ context.Context, name string, i, total int) error {
			paused = append(paused, name)
			rec.add("pause " + name)
			if total != 2 {
				t.Errorf("total = %d", total)
			}
			return nil
		},
	}
	if err := r.Run(t.Context(), NewState()); err != nil {
		t.Fatal(err)
	}
	want := []string{"pause StepOne", "run StepOne", "pause StepTwo", "run StepTwo", "cleanup StepTwo", "cleanup StepOne"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestDebugRunnerPauseErrorStops(t *testing.T) {
	rec := &recorder{}
	stop := errors.New("user declined")
	r := &DebugRunner{
		Steps: steps(rec, "a", "b"),
		Pause: func(_ context.Context, name string, _, _ int) error {
			if name == "b" {
				return stop
			}
			return nil
		},
	}
	err := r.Run(t.Context(), NewState())
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v", err)
	}
	want := []string{"run a", "cleanup a"}
	if d := cmp.Diff(want, rec.log); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

type plainStep struct{}

func (plainStep) Run(context.Context, *State) Action { return Continue }
func (plainStep) Cleanup(*State)                     {}

func TestStepName(t *testing.T) {
	if got := StepName(&plainStep{}); got != "plainStep" {
		t.Errorf("StepName = %q", got)
	}
	if got := StepName(&testStep{name: "custom"}); got != "custom" {
		t.Errorf("StepName = %q", got)
	}
}

func TestTypedState(t *testing.T) {
	s := NewState()
	kID := NewKey[string]("id")
	kN := NewKey[int]("n")
	if _, ok := Get(s, kID); ok {
		t.Fatal("Get on empty state reported a value")
	}
	Put(s, kID, "abc")
	Put(s, kN, 3)
	if v, ok := Get(s, kID); !ok || v != "abc" {
		t.Errorf("Get id = %q, %v", v, ok)
	}
	// The same name read with another type is absent, not a panic.
	if _, ok := Get(s, NewKey[int]("id")); ok {
		t.Error("Get with the wrong type reported a value")
	}
	Remove(s, kID)
	if Has(s, kID) {
		t.Error("value still there after Remove")
	}
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), `"id"`) {
			t.Errorf("MustGet panic = %v", p)
		}
	}()
	MustGet(s, kID)
}

func TestStateConcurrentAccess(t *testing.T) {
	s := NewState()
	k := NewKey[int]("n")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			Put(s, k, i)
			Get(s, k)
			Remove(s, k)
		})
	}
	wg.Wait()
}

func TestBasicRunnerHaltAfterCancelIsCancelled(t *testing.T) {
	rec := &recorder{}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	boom := errors.New("interrupted while waiting")
	s := steps(rec, "a", "b")
	s[0].(*testStep).run = func(ctx context.Context, state *State) Action {
		cancel()
		return HaltWith(state, boom)
	}
	state := NewState()
	err := (&BasicRunner{Steps: s}).Run(ctx, state)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the step's own error", err)
	}
	if !Cancelled(state) || !Halted(state) {
		t.Errorf("cancelled = %v, halted = %v; want both", Cancelled(state), Halted(state))
	}
}
