package docker

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
)

// countingDriver counts the execs it passes on.
type countingDriver struct {
	Driver
	execs atomic.Int32
}

func (d *countingDriver) Exec(ctx context.Context, id string, spec ExecSpec) (int, error) {
	d.execs.Add(1)
	return d.Driver.Exec(ctx, id, spec)
}

func TestEngineSession(t *testing.T) {
	d := engine(t)
	base := startContainer(t, d)
	cd := &countingDriver{Driver: d}
	c := &Communicator{Driver: cd, ContainerID: base.ContainerID}

	for _, tc := range []struct {
		cmd, out, errOut string
		code             int
	}{
		{"echo out; echo err >&2; exit 3", "out\n", "err\n", 3},
		{"printf 'no newline'", "no newline", "", 0},
		{`printf '%s|' 'a b' "c\"d" 'e\f' "$((6*7))" é; echo`, `a b|c"d|e\f|42|é|` + "\n", "", 0},
		{"cat <<'EOF'\nline 1\n  line 2\nEOF\n", "line 1\n  line 2\n", "", 0},
		{"read x; echo \"read: $? [$x]\"", "read: 1 []\n", "", 0}, // stdin is empty
		// The session's shell notes the signal, as an interactive one would.
		{"kill -TERM $$", "", "Terminated\n", 143},
		{"echo $0", "/bin/sh\n", "", 0},
		// A background process holding stdout does not hold up the command.
		{"sleep 30 & echo early", "early\n", "", 0},
		{"echo next", "next\n", "", 0},
	} {
		out, errOut, code := run(t, c, tc.cmd, nil)
		if out != tc.out || errOut != tc.errOut || code != tc.code {
			t.Errorf("%q: stdout %q, stderr %q, status %d; want %q, %q, %d", tc.cmd, out, errOut, code, tc.out, tc.errOut, tc.code)
		}
	}
	if n := cd.execs.Load(); n != 1 {
		t.Errorf("%d execs, want 1: the commands should share one session", n)
	}

	// A command that kills the session's shell disconnects; the next
	// command gets a new session.
	_, errOut, code := run(t, c, "kill -KILL $PPID; sleep 5", nil)
	if code != sdk.CmdDisconnect || !strings.Contains(errOut, "kiln:") {
		t.Errorf("killing the session: status %d, stderr %q; want CmdDisconnect", code, errOut)
	}
	if out, _, code := run(t, c, "echo again", nil); out != "again\n" || code != 0 {
		t.Errorf("after a killed session: %q, %d", out, code)
	}
	if n := cd.execs.Load(); n != 2 {
		t.Errorf("%d execs, want 2", n)
	}
}

func TestEngineSessionExecUser(t *testing.T) {
	d := engine(t)
	base := startContainer(t, d)
	c := &Communicator{Driver: d, ContainerID: base.ContainerID, ExecUser: "nobody"}
	if out, _, code := run(t, c, "id -u", nil); out != "65534\n" || code != 0 {
		t.Errorf("exec_user nobody: id -u = %q, status %d", out, code)
	}
}
