package cmd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
)

func TestHandleSignalsAnnouncesThenCancels(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	var said []string
	stop := onInterrupt(ctx, func(sig os.Signal) {
		// Said before the builds are cancelled, as Packer does.
		said = append(said, sig.String())
		if ctx.Err() != nil {
			t.Error("announced after the context was cancelled")
		}
	})
	defer stop()

	sigs := make(chan os.Signal, 3)
	var errOut bytes.Buffer
	sigs <- os.Interrupt
	sigs <- syscall.SIGTERM
	close(sigs)
	handleSignals(sigs, cancel, &errOut)

	if len(said) != 1 || said[0] != "interrupt" {
		t.Errorf("announced %q, want one interrupt", said)
	}
	if ctx.Err() == nil {
		t.Fatal("context not cancelled")
	}
	var ie *interruptError
	if cause := context.Cause(ctx); !errors.As(cause, &ie) || ie.sig != os.Interrupt {
		t.Errorf("cause = %v", cause)
	}
	// The second signal is ignored (cleanup goes on), with a note on stderr.
	if got := errOut.String(); got != "Cleanup in progress; waiting for it to finish.\n" {
		t.Errorf("stderr = %q", got)
	}
}

func TestOnInterruptAfterTheSignal(t *testing.T) {
	// A signal that came before the command registered is announced at
	// once.
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(&interruptError{sig: syscall.SIGTERM})
	var said []string
	stop := onInterrupt(ctx, func(sig os.Signal) { said = append(said, sig.String()) })
	stop()
	if len(said) != 1 || said[0] != "terminated" {
		t.Errorf("announced %q, want one terminated", said)
	}

	// Cancelled for another reason: nothing to say.
	ctx, cancel = context.WithCancelCause(t.Context())
	cancel(nil)
	said = nil
	onInterrupt(ctx, func(sig os.Signal) { said = append(said, sig.String()) })()
	if len(said) != 0 {
		t.Errorf("announced %q for a plain cancellation", said)
	}
}
