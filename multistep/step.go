package multistep

import (
	"context"
	"errors"
	"fmt"
)

// Action tells a runner what to do after a step ran.
type Action int

const (
	// Continue runs the next step.
	Continue Action = iota
	// Halt stops the sequence; the runner still cleans up.
	Halt
)

// Step is one unit of work of a sequence.
type Step interface {
	// Run does the step's work. It returns Halt, after recording why with
	// Halt(state, err), to stop the sequence.
	Run(ctx context.Context, state *State) Action
	// Cleanup undoes Run. It is called for every step whose Run was
	// started, in reverse order, however the sequence ended. It must not
	// assume Run completed.
	Cleanup(state *State)
}

// StepError records why a step halted the sequence.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("%s: %v", e.Step, e.Err) }

// Unwrap returns the underlying error.
func (e *StepError) Unwrap() error { return e.Err }

// ErrHalted is reported when a step halts without recording an error.
var ErrHalted = errors.New("step halted without an error")

var (
	keyError     = NewKey[error]("error")
	keyCancelled = NewKey[bool]("cancelled")
	keyHalted    = NewKey[bool]("halted")
)

// HaltWith records err as the reason the sequence stops and returns Halt,
// so a step can end with `return multistep.HaltWith(state, err)`.
func HaltWith(state *State, err error) Action {
	Put(state, keyError, err)
	return Halt
}

// Err returns the error recorded by a halting step, if any.
func Err(state *State) error {
	err, _ := Get(state, keyError)
	return err
}

// Cancelled reports whether the sequence was stopped by its context: the
// context ended before a step started or while one ran (whether or not that
// step then halted with an error of its own).
func Cancelled(state *State) bool {
	v, _ := Get(state, keyCancelled)
	return v
}

// Halted reports whether a step halted the sequence.
func Halted(state *State) bool {
	v, _ := Get(state, keyHalted)
	return v
}

// StepName returns a human name for a step: its type name without the
// package, e.g. "StepCreateContainer". Steps may implement Namer instead.
func StepName(s Step) string {
	if n, ok := s.(Namer); ok {
		return n.Name()
	}
	name := fmt.Sprintf("%T", s)
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			name = name[i+1:]
			break
		}
	}
	for len(name) > 0 && name[0] == '*' {
		name = name[1:]
	}
	return name
}

// Namer is implemented by steps that name themselves.
type Namer interface{ Name() string }
