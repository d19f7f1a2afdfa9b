package chroot

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// CommandWrapper turns a shell command kiln is about to run on the host
// into the command actually run, as the command_wrapper option does
// ("sudo {{.Command}}").
type CommandWrapper func(command string) (string, error)

// WrapperData is what a command_wrapper template is rendered against.
type WrapperData struct {
	Command string
}

// NewCommandWrapper returns the CommandWrapper rendering tmpl with the
// command as {{.Command}}. An empty tmpl leaves commands unchanged.
func NewCommandWrapper(tmpl string, ictx interpolate.Context) CommandWrapper {
	if tmpl == "" || tmpl == "{{.Command}}" {
		return func(command string) (string, error) { return command, nil }
	}
	return func(command string) (string, error) {
		c := ictx
		c.Data = WrapperData{Command: command}
		out, err := interpolate.Render(tmpl, &c)
		if err != nil {
			return "", fmt.Errorf("command_wrapper: %w", err)
		}
		return out, nil
	}
}

// CommandData is what pre_mount_commands and post_mount_commands are
// rendered against: {{.Device}} and {{.MountPath}}.
type CommandData struct {
	Device    string
	MountPath string
}

// ShellCommand returns the command running command with the host's
// /bin/sh. It is killed when ctx ends; output still held open by
// processes it left behind is waited for no more than a few seconds.
func ShellCommand(ctx context.Context, command string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	cmd.WaitDelay = waitDelay
	return cmd
}

// waitDelay bounds how long a finished command's output is waited for.
const waitDelay = 5 * time.Second

// RunLocalCommands runs commands one after the other on the host, each
// rendered with ictx (whose Data is usually a CommandData) and wrapped,
// streaming their output to ui. It stops at the first command that fails.
func RunLocalCommands(ctx context.Context, commands []string, wrap CommandWrapper, ictx interpolate.Context, ui sdk.Ui) error {
	for _, raw := range commands {
		command, err := interpolate.Render(raw, &ictx)
		if err != nil {
			return fmt.Errorf("render command %q: %w", raw, err)
		}
		if wrap != nil {
			if command, err = wrap(command); err != nil {
				return fmt.Errorf("wrap command %q: %w", raw, err)
			}
		}
		ui.Say(fmt.Sprintf("Executing command: %s", command))
		out := sdk.NewLineWriter(ui.Message)
		errw := sdk.NewLineWriter(ui.Error)
		cmd := ShellCommand(ctx, command)
		cmd.Stdout, cmd.Stderr = out, errw
		err = cmd.Run()
		out.Flush()
		errw.Flush()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("command %q failed: %w", command, err)
		}
	}
	return nil
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// exitStatus maps a finished process state to a shell-style status:
// the exit code, or 128 plus the signal that killed it.
func exitStatus(cmd *exec.Cmd) int {
	ps := cmd.ProcessState
	if ps == nil {
		return sdk.CmdDisconnect
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
