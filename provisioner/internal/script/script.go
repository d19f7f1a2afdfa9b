// Package script holds what the shell and shell-local provisioners share:
// validating scripts and environment variables, building the environment
// string {{ .Vars }} stands for, writing inline commands to a script file,
// checking exit codes and retrying while a machine reboots.
package script

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kilnbuild/kiln/sdk"
)

// CheckScripts validates the script/scripts/inline choice as Packer's shell
// provisioner does and returns the list of scripts to run.
func CheckScripts(script string, scripts []string, inline []string) ([]string, []error) {
	var errs []error
	if script != "" && len(scripts) > 0 {
		errs = append(errs, fmt.Errorf("only one of script or scripts can be specified"))
	}
	if script != "" {
		scripts = []string{script}
	}
	if len(scripts) == 0 && inline == nil {
		errs = append(errs, fmt.Errorf("either a script file or inline script must be specified"))
	} else if len(scripts) > 0 && inline != nil {
		errs = append(errs, fmt.Errorf("only a script file or an inline script can be specified, not both"))
	}
	errs = append(errs, StatScripts(scripts)...)
	return scripts, errs
}

// StatScripts checks that every script exists.
func StatScripts(scripts []string) []error {
	var errs []error
	for _, p := range scripts {
		if _, err := os.Stat(p); err != nil {
			errs = append(errs, fmt.Errorf("bad script '%s': %w", p, err))
		}
	}
	return errs
}

// CheckVars checks that every environment_vars entry is "key=value".
func CheckVars(vars []string) []error {
	var errs []error
	for _, kv := range vars {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			errs = append(errs, fmt.Errorf("environment variable not in format 'key=value': %s", kv))
		}
	}
	return errs
}

// Env describes the environment a script runs with.
type Env struct {
	// Format renders one variable from its name and escaped value.
	Format      string
	BuildName   string
	BuilderType string
	// Vars are "key=value" entries (environment_vars), Map the env map,
	// applied after them.
	Vars []string
	Map  map[string]string
	// Generated is the build's generated data, for PACKER_HTTP_*.
	Generated map[string]any
	// Render, when set, renders each Vars entry first (shell-local does).
	Render func(string) (string, error)
}

// Flatten returns the variables, sorted by name, each rendered with
// Format; values have single quotes escaped for a quoted shell string.
func (e Env) Flatten() (string, error) {
	vars := map[string]string{
		"PACKER_BUILD_NAME":   e.BuildName,
		"PACKER_BUILDER_TYPE": e.BuilderType,
	}
	for key, gen := range map[string]struct{ k, unset string }{
		"PACKER_HTTP_ADDR": {sdk.GenPackerHTTPAddr, sdk.NotImplementedHTTPAddr},
		"PACKER_HTTP_IP":   {sdk.GenPackerHTTPIP, sdk.NotImplementedHTTPIP},
		"PACKER_HTTP_PORT": {sdk.GenPackerHTTPPort, sdk.NotImplementedHTTPPort},
	} {
		if v, ok := e.Generated[gen.k].(string); ok && v != gen.unset {
			vars[key] = v
		}
	}
	for _, kv := range e.Vars {
		if e.Render != nil {
			r, err := e.Render(kv)
			if err != nil {
				return "", fmt.Errorf("render environment variable %q: %w", kv, err)
			}
			kv = r
		}
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = escape(v)
	}
	for k, v := range e.Map {
		vars[k] = escape(v)
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, e.Format, k, vars[k])
	}
	return b.String(), nil
}

func escape(v string) string { return strings.ReplaceAll(v, "'", `'"'"'`) }

// WriteInline writes the inline commands, one per line and each passed
// through render, to a new temporary file named pattern (os.CreateTemp
// syntax), after "#!shebang" unless shebang is "". The file is mode 0700.
func WriteInline(pattern, shebang string, lines []string, render func(string) (string, error)) (string, error) {
	var b bytes.Buffer
	if shebang != "" {
		fmt.Fprintf(&b, "#!%s\n", shebang)
	}
	for _, l := range lines {
		r, err := render(l)
		if err != nil {
			return "", fmt.Errorf("render inline command %q: %w", l, err)
		}
		b.WriteString(r)
		b.WriteByte('\n')
	}
	name, err := writeExecutable(pattern, b.Bytes())
	if err != nil {
		return "", fmt.Errorf("write inline script: %w", err)
	}
	return name, nil
}

// writeExecutable writes data to a new temporary file named pattern, mode
// 0700, and returns its name. The file is open for writing only while
// syscall.ForkLock is held for reading, so no process started meanwhile by
// another goroutine inherits it: a child holding the file open for writing
// until it execs would make executing the script fail with ETXTBSY ("text
// file busy"), as happened with many builds running shell-local at once.
func writeExecutable(pattern string, data []byte) (string, error) {
	syscall.ForkLock.RLock()
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		syscall.ForkLock.RUnlock()
		return "", err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	syscall.ForkLock.RUnlock()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(f.Name(), 0o700)
	}
	if werr != nil {
		os.Remove(f.Name())
		return "", werr
	}
	return f.Name(), nil
}

// ValidExitCode returns an error when status is not among codes (default
// [0]).
func ValidExitCode(codes []int, status int) error {
	if len(codes) == 0 {
		codes = []int{0}
	}
	if slices.Contains(codes, status) {
		return nil
	}
	return &ExitError{Status: status, Allowed: codes}
}

// ExitError is a script's exit status that is not allowed.
type ExitError struct {
	Status  int
	Allowed []int
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("script exited with non-zero exit status: %d. Allowed exit codes are: %v", e.Status, e.Allowed)
}

// RetryDelay is the pause between two tries of Retry.
var RetryDelay = 2 * time.Second

// Retry runs fn until it succeeds, ctx ends or timeout has passed since
// the first try; it then returns fn's last error.
func Retry(ctx context.Context, timeout time.Duration, fn func(context.Context) error) error {
	start := time.Now()
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Since(start) >= timeout {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(RetryDelay):
		}
	}
}

// ToUnix converts CRLF line endings to LF.
func ToUnix(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }
