package multistep

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Runner runs a sequence of steps.
type Runner interface {
	// Run runs the steps in order until one halts, ctx ends or all are
	// done, then cleans up in reverse order. It returns the error that
	// stopped the sequence: a *StepError from a halting or panicking step,
	// or ctx.Err() after cancellation; nil when every step continued.
	Run(ctx context.Context, state *State) error
}

// BasicRunner runs steps one after the other.
type BasicRunner struct {
	Steps []Step
	// pause, when set, is called before each step; returning an error
	// stops the sequence as a halt would (used by DebugRunner).
	pause func(ctx context.Context, step Step, index int) error
}

// Run implements Runner.
func (r *BasicRunner) Run(ctx context.Context, state *State) (err error) {
	ran := make([]Step, 0, len(r.Steps))
	defer func() {
		// Clean up in reverse order, even after a panic in a step; a
		// panic in a Cleanup must not stop the other cleanups.
		p := recover()
		if p != nil {
			name := "runner"
			if len(ran) > 0 {
				name = StepName(ran[len(ran)-1])
			}
			err = &StepError{Step: name, Err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
			Put(state, keyError, err)
			Put(state, keyHalted, true)
		}
		for i := len(ran) - 1; i >= 0; i-- {
			cleanup(ran[i], state)
		}
	}()

	for i, step := range r.Steps {
		if ctx.Err() != nil {
			Put(state, keyCancelled, true)
			return ctx.Err()
		}
		if r.pause != nil {
			if perr := r.pause(ctx, step, i); perr != nil {
				Put(state, keyHalted, true)
				if ctx.Err() != nil {
					Put(state, keyCancelled, true)
					return ctx.Err()
				}
				return &StepError{Step: StepName(step), Err: perr}
			}
		}
		ran = append(ran, step)
		action := step.Run(ctx, state)
		if ctx.Err() != nil {
			// Mark the cancellation even when the step halted with its
			// own error: -on-error handlers tell the two apart this way.
			Put(state, keyCancelled, true)
		}
		if action == Halt {
			Put(state, keyHalted, true)
			if serr := Err(state); serr != nil {
				return &StepError{Step: StepName(step), Err: serr}
			}
			if ctx.Err() != nil {
				Put(state, keyCancelled, true)
				return ctx.Err()
			}
			return &StepError{Step: StepName(step), Err: ErrHalted}
		}
		if ctx.Err() != nil {
			Put(state, keyCancelled, true)
			return ctx.Err()
		}
	}
	return nil
}

func cleanup(step Step, state *State) {
	defer func() {
		// A panicking Cleanup is reported, not propagated: the remaining
		// cleanups still have to run.
		if p := recover(); p != nil {
			Put(state, keyCleanupPanics, append(CleanupPanics(state), fmt.Sprintf("%s: %v", StepName(step), p)))
		}
	}()
	step.Cleanup(state)
}

// CleanupPanics lists the panics recovered from Cleanup methods.
func CleanupPanics(state *State) []string {
	v, _ := Get(state, keyCleanupPanics)
	return v
}

var keyCleanupPanics = NewKey[[]string]("cleanup_panics")

// DebugPause is asked before each step by a DebugRunner. It returns an
// error to stop the build (for example when the person declines to go on).
type DebugPause func(ctx context.Context, stepName string, index, total int) error

// DebugRunner runs steps like BasicRunner but pauses before each one,
// naming it, so a person can inspect the machine between steps.
type DebugRunner struct {
	Steps []Step
	Pause DebugPause
}

// Run implements Runner.
func (r *DebugRunner) Run(ctx context.Context, state *State) error {
	br := &BasicRunner{Steps: r.Steps}
	if r.Pause != nil {
		br.pause = func(ctx context.Context, step Step, i int) error {
			return r.Pause(ctx, StepName(step), i, len(r.Steps))
		}
	}
	return br.Run(ctx, state)
}
