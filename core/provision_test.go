package core

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

func TestProvisionHookRunsInOrderWithGeneratedData(t *testing.T) {
	ev := &events{}
	var configured []map[string]any
	a := &fakeProvisioner{name: "a", events: ev}
	var got map[string]any
	b := &fakeProvisioner{name: "b", events: ev, provision: func(_ context.Context, _ sdk.Ui, data map[string]any) error {
		got = data
		return nil
	}}
	h := &provisionHook{provisioners: []*Provisioner{provisioner(a, &configured), provisioner(b, &configured)}, runUUID: "run-1"}
	data := map[string]any{"ID": "c1", sdk.GenPackerRunUUID: ""}
	if err := h.Run(t.Context(), sdk.HookProvision, ui.NewNoop(), fakeComm{}, data); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"provision a", "provision b"}, ev.list()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	want := map[string]any{"ID": "c1", sdk.GenPackerRunUUID: "run-1"}
	if d := cmp.Diff([]map[string]any{want, want}, configured); d != "" {
		t.Errorf("configured with (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("provisioned with (-want +got):\n%s", d)
	}
	if data[sdk.GenPackerRunUUID] != "" {
		t.Error("the builder's data was modified")
	}
}

func TestProvisionHookKeepsBuilderRunUUID(t *testing.T) {
	var configured []map[string]any
	h := &provisionHook{provisioners: []*Provisioner{provisioner(&fakeProvisioner{}, &configured)}, runUUID: "run-1"}
	if err := h.Run(t.Context(), sdk.HookProvision, ui.NewNoop(), fakeComm{}, map[string]string{sdk.GenPackerRunUUID: "env"}); err != nil {
		t.Fatal(err)
	}
	if got := configured[0][sdk.GenPackerRunUUID]; got != "env" {
		t.Errorf("PackerRunUUID = %v", got)
	}
}

func TestProvisionHookStopsAtFirstError(t *testing.T) {
	ev := &events{}
	boom := errors.New("boom")
	a := &fakeProvisioner{name: "a", events: ev, provision: func(context.Context, sdk.Ui, map[string]any) error { return boom }}
	b := &fakeProvisioner{name: "b", events: ev}
	h := &provisionHook{provisioners: []*Provisioner{provisioner(a, nil), provisioner(b, nil)}}
	if err := h.Run(t.Context(), sdk.HookProvision, ui.NewNoop(), fakeComm{}, nil); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if d := cmp.Diff([]string{"provision a"}, ev.list()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestProvisionHookErrors(t *testing.T) {
	bad := errors.New("unsupported attribute")
	tests := []struct {
		name string
		p    *Provisioner
		comm sdk.Communicator
		want string
	}{
		{"no communicator", provisioner(&fakeProvisioner{}, nil), nil, ErrNoCommunicator.Error()},
		{"configure error", &Provisioner{Type: "shell", Configure: func(map[string]any) (sdk.Provisioner, error) { return nil, bad }}, fakeComm{}, "unsupported attribute"},
		{"panic", provisioner(&fakeProvisioner{provision: func(context.Context, sdk.Ui, map[string]any) error { panic("kaboom") }}, nil), fakeComm{}, "provisioner fake panicked: kaboom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &provisionHook{provisioners: []*Provisioner{tt.p}}
			err := h.Run(t.Context(), sdk.HookProvision, ui.NewNoop(), tt.comm, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// No provisioners: nothing to do, even without a communicator.
	if err := (&provisionHook{}).Run(t.Context(), sdk.HookProvision, ui.NewNoop(), nil, nil); err != nil {
		t.Errorf("empty hook: %v", err)
	}
}

// failing returns a provision func failing with "err 1", "err 2", … for
// the first n calls, then succeeding.
func failing(n int) func(context.Context, sdk.Ui, map[string]any) error {
	calls := 0
	return func(context.Context, sdk.Ui, map[string]any) error {
		calls++
		if calls <= n {
			return fmt.Errorf("err %d", calls)
		}
		return nil
	}
}

func TestRetriedProvisioner(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		retries  int
		wantErr  string
		wantSays []string
		calls    int
	}{
		{name: "success", failures: 0, retries: 3, calls: 1},
		{
			name: "succeeds on a retry", failures: 2, retries: 3, calls: 3,
			wantSays: []string{
				`Provisioner failed with "err 1", retrying with 3 trie(s) left`,
				`Provisioner failed with "err 1", retrying with 2 trie(s) left`,
			},
		},
		{
			name: "returns the first error", failures: 5, retries: 2, calls: 3, wantErr: "err 1",
			wantSays: []string{
				`Provisioner failed with "err 1", retrying with 2 trie(s) left`,
				`Provisioner failed with "err 1", retrying with 1 trie(s) left`,
				"retry limit reached.",
			},
		},
		{name: "negative retries try once", failures: 1, retries: -1, calls: 1, wantErr: "err 1", wantSays: []string{"retry limit reached."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &events{}
			p := &Provisioner{MaxRetries: tt.retries}
			inner := &fakeProvisioner{name: "p", events: ev, provision: failing(tt.failures)}
			rec := &ui.Recorder{}
			err := wrapProvisioner(inner, p, false).Provision(t.Context(), rec, fakeComm{}, nil)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("err = %q, want %q", gotErr, tt.wantErr)
			}
			if d := cmp.Diff(tt.wantSays, rec.Says()); d != "" {
				t.Errorf("says (-want +got):\n%s", d)
			}
			if got := len(ev.list()); got != tt.calls {
				t.Errorf("%d calls, want %d", got, tt.calls)
			}
		})
	}
}

func TestRetriedProvisionerStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ev := &events{}
	inner := &fakeProvisioner{name: "p", events: ev, provision: func(context.Context, sdk.Ui, map[string]any) error {
		cancel()
		return errors.New("failed")
	}}
	err := wrapProvisioner(inner, &Provisioner{MaxRetries: 5}, false).Provision(ctx, ui.NewNoop(), fakeComm{}, nil)
	if !errors.Is(err, context.Canceled) || len(ev.list()) != 1 {
		t.Errorf("err = %v after %d calls", err, len(ev.list()))
	}
}

func TestPausedProvisioner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ev := &events{}
		var waited time.Duration
		start := time.Now()
		inner := &fakeProvisioner{name: "p", events: ev, provision: func(ctx context.Context, _ sdk.Ui, _ map[string]any) error {
			waited = time.Since(start)
			if _, ok := ctx.Deadline(); ok {
				t.Error("timeout applied despite pause_before")
			}
			return nil
		}}
		rec := &ui.Recorder{}
		// pause_before silently disables timeout, as in Packer.
		p := &Provisioner{PauseBefore: 10 * time.Second, Timeout: time.Second}
		if err := wrapProvisioner(inner, p, false).Provision(t.Context(), rec, fakeComm{}, nil); err != nil {
			t.Fatal(err)
		}
		if waited != 10*time.Second {
			t.Errorf("provisioned after %v, want 10s", waited)
		}
		if d := cmp.Diff([]string{"Pausing 10s before the next provisioner..."}, rec.Says()); d != "" {
			t.Errorf("says (-want +got):\n%s", d)
		}
	})
}

func TestPausedProvisionerCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ev := &events{}
	err := wrapProvisioner(&fakeProvisioner{events: ev}, &Provisioner{PauseBefore: time.Hour}, false).Provision(ctx, ui.NewNoop(), fakeComm{}, nil)
	if !errors.Is(err, context.Canceled) || len(ev.list()) != 0 {
		t.Errorf("err = %v, calls %v", err, ev.list())
	}
}

func TestTimeoutProvisioner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &fakeProvisioner{provision: func(ctx context.Context, _ sdk.Ui, _ map[string]any) error {
			<-ctx.Done()
			return ctx.Err()
		}}
		rec := &ui.Recorder{}
		err := wrapProvisioner(inner, &Provisioner{Timeout: 5 * time.Minute}, false).Provision(t.Context(), rec, fakeComm{}, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v", err)
		}
		want := []ui.Call{
			{Method: "say", Text: "Setting a 5m0s timeout for the next provisioner..."},
			{Method: "error", Text: "Cancelling provisioner after a timeout..."},
		}
		if d := cmp.Diff(want, rec.Calls()); d != "" {
			t.Errorf("calls (-want +got):\n%s", d)
		}
	})
}

func TestTimeoutProvisionerInTime(t *testing.T) {
	rec := &ui.Recorder{}
	err := wrapProvisioner(&fakeProvisioner{}, &Provisioner{Timeout: time.Hour}, false).Provision(t.Context(), rec, fakeComm{}, nil)
	if err != nil || len(rec.Errors()) != 0 {
		t.Errorf("err = %v, errors %q", err, rec.Errors())
	}
}

func TestDebuggedProvisionerIsOutermost(t *testing.T) {
	rec := &ui.Recorder{Answers: []string{""}}
	p := &Provisioner{MaxRetries: 1, Timeout: time.Hour}
	if err := wrapProvisioner(&fakeProvisioner{provision: failing(1)}, p, true).Provision(t.Context(), rec, fakeComm{}, nil); err != nil {
		t.Fatal(err)
	}
	want := []ui.Call{
		{Method: "ask", Text: "Pausing before the next provisioner . Press enter to continue."},
		{Method: "say", Text: "Setting a 1h0m0s timeout for the next provisioner..."},
		{Method: "say", Text: `Provisioner failed with "err 1", retrying with 1 trie(s) left`},
		{Method: "say", Text: "Setting a 1h0m0s timeout for the next provisioner..."},
	}
	if d := cmp.Diff(want, rec.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestDebuggedProvisionerNoInputContinues(t *testing.T) {
	// Without a terminal Ask fails; Packer goes on regardless.
	ev := &events{}
	err := wrapProvisioner(&fakeProvisioner{name: "p", events: ev}, &Provisioner{}, true).Provision(t.Context(), &ui.Recorder{}, fakeComm{}, nil)
	if err != nil || len(ev.list()) != 1 {
		t.Errorf("err = %v, calls %v", err, ev.list())
	}
}

// TestWrappersDelegate checks every method of every wrapper (Packer's
// wrappers' ConfigSpec called itself).
func TestWrappersDelegate(t *testing.T) {
	inner := &fakeProvisioner{name: "inner"}
	for _, w := range []sdk.Provisioner{
		&pausedProvisioner{Provisioner: inner},
		&timeoutProvisioner{Provisioner: inner, timeout: time.Hour},
		&retriedProvisioner{Provisioner: inner},
		&debuggedProvisioner{Provisioner: inner},
	} {
		t.Run(fmt.Sprintf("%T", w), func(t *testing.T) {
			if spec := w.ConfigSpec(); spec["name"] == nil {
				t.Errorf("ConfigSpec = %v, not the wrapped provisioner's", spec)
			}
			if err := w.Prepare(); !errors.Is(err, errPrepareCalled) {
				t.Errorf("Prepare = %v, not the wrapped provisioner's", err)
			}
			rec := &ui.Recorder{Answers: []string{""}}
			ev := &events{}
			inner.events = ev
			if err := w.Provision(t.Context(), rec, fakeComm{}, nil); err != nil || len(ev.list()) != 1 {
				t.Errorf("Provision: err = %v, calls %v", err, ev.list())
			}
		})
	}
}

func TestBuildHook(t *testing.T) {
	ev := &events{}
	cleanup := &fakeProvisioner{name: "cleanup", events: ev}
	b := &Build{
		Provisioners:            []*Provisioner{provisioner(&fakeProvisioner{name: "main", events: ev}, nil)},
		ErrorCleanupProvisioner: provisioner(cleanup, nil),
	}
	rec := &ui.Recorder{}
	hook := b.hook(RunOptions{Debug: true})
	if err := hook.Run(t.Context(), sdk.HookCleanupProvision, rec, fakeComm{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := hook.Run(t.Context(), sdk.HookProvision, rec, fakeComm{}, nil); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"provision cleanup", "provision main"}, ev.list()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	// -debug pauses before provisioners, never before the cleanup one.
	want := []ui.Call{{Method: "ask", Text: debugProvisionerPrompt}}
	if d := cmp.Diff(want, rec.Calls()); d != "" {
		t.Errorf("ui calls (-want +got):\n%s", d)
	}
	// Without provisioners, neither hook is installed.
	if h := (&Build{}).hook(RunOptions{}); len(h.Hooks) != 0 {
		t.Errorf("hooks = %v", h.Hooks)
	}
}
