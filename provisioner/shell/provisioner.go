// Package shell is the shell provisioner: it uploads shell scripts (or
// inline commands written to a script) to the machine through the
// communicator and runs them there, with Packer's environment, retry,
// cleanup and exit-code rules.
package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/provisioner/internal/script"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Config is the shell provisioner's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	// Binary uploads scripts as they are; otherwise CRLF becomes LF.
	Binary bool `mapstructure:"binary"`
	// Inline commands are written, one per line, to a script.
	Inline []string `mapstructure:"inline"`
	// Script is one local script; Scripts several, run in order.
	Script  string   `mapstructure:"script"`
	Scripts []string `mapstructure:"scripts"`
	// ValidExitCodes are the exit statuses that count as success ([0]).
	ValidExitCodes []int `mapstructure:"valid_exit_codes"`
	// Vars are "key=value" environment variables; Env is applied after.
	Vars []string          `mapstructure:"environment_vars"`
	Env  map[string]string `mapstructure:"env"`
	// EnvVarFormat renders one variable ("%s='%s' ").
	EnvVarFormat string `mapstructure:"env_var_format"`
	// RemotePath is where scripts are uploaded (remote_folder/remote_file).
	RemotePath string `mapstructure:"remote_path"`
	// ExecuteCommand runs the uploaded script: {{.Vars}}, {{.Path}},
	// {{.EnvVarFile}} and the generated data are available.
	ExecuteCommand string `mapstructure:"execute_command"`
	// InlineShebang starts the inline script ("/bin/sh -e").
	InlineShebang string `mapstructure:"inline_shebang"`
	// PauseAfter waits this long after the last script.
	PauseAfter time.Duration `mapstructure:"pause_after"`
	// UseEnvVarFile uploads the variables to a file that is sourced.
	UseEnvVarFile bool `mapstructure:"use_env_var_file"`
	// RemoteFolder and RemoteFile make the default RemotePath.
	RemoteFolder string `mapstructure:"remote_folder"`
	RemoteFile   string `mapstructure:"remote_file"`
	// StartRetryTimeout bounds the retries of upload-and-run (5m).
	StartRetryTimeout time.Duration `mapstructure:"start_retry_timeout"`
	// SkipClean leaves the uploaded scripts on the machine.
	SkipClean bool `mapstructure:"skip_clean"`
	// ExpectDisconnect accepts a script that drops the connection.
	ExpectDisconnect bool `mapstructure:"expect_disconnect"`
}

// Provisioner is the shell provisioner.
type Provisioner struct {
	config Config
	ictx   *interpolate.Context
	// explicitShebang records whether inline_shebang was set.
	explicitShebang bool
}

var _ sdk.Provisioner = (*Provisioner)(nil)

// ConfigSpec implements sdk.Provisioner.
func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Provisioner.
func (p *Provisioner) Prepare(raws ...any) error {
	var c Config
	ictx, err := compconfig.Decode(&c, []string{"execute_command", "inline"}, raws...)
	if err != nil {
		return err
	}
	if c.EnvVarFormat == "" {
		c.EnvVarFormat = "%s='%s' "
		if c.UseEnvVarFile {
			c.EnvVarFormat = "export %s='%s'\n"
		}
	}
	if c.ExecuteCommand == "" {
		c.ExecuteCommand = "chmod +x {{.Path}}; {{.Vars}} {{.Path}}"
		if c.UseEnvVarFile {
			c.ExecuteCommand = "chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}"
		}
	}
	if c.Inline != nil && len(c.Inline) == 0 {
		c.Inline = nil
	}
	p.explicitShebang = c.InlineShebang != ""
	if c.InlineShebang == "" {
		c.InlineShebang = "/bin/sh -e"
	}
	if c.StartRetryTimeout == 0 {
		c.StartRetryTimeout = 5 * time.Minute
	}
	if c.RemoteFolder == "" {
		c.RemoteFolder = "/tmp"
	}
	if c.RemoteFile == "" {
		c.RemoteFile = fmt.Sprintf("script_%d.sh", rand.IntN(9999))
	}
	if c.RemotePath == "" {
		c.RemotePath = c.RemoteFolder + "/" + c.RemoteFile
	}
	var errs compconfig.Errors
	scripts, serrs := script.CheckScripts(c.Script, c.Scripts, c.Inline)
	for _, e := range serrs {
		errs.Add(e)
	}
	for _, e := range script.CheckVars(c.Vars) {
		errs.Add(&config.FieldError{Path: "environment_vars", Err: e})
	}
	if err := errs.Err(); err != nil {
		return err
	}
	c.Scripts = scripts
	p.config = c
	p.ictx = ictx
	return nil
}

// Provision implements sdk.Provisioner.
func (p *Provisioner) Provision(ctx context.Context, ui sdk.Ui, comm sdk.Communicator, generatedData map[string]any) error {
	if comm == nil {
		return errors.New("shell provisioner: no communicator")
	}
	c := &p.config
	data := maps.Clone(generatedData)
	if data == nil {
		data = map[string]any{}
	}
	ictx := *p.ictx
	ictx.Data = data
	render := func(s string) (string, error) { return interpolate.Render(s, &ictx) }

	scripts := append([]string(nil), c.Scripts...)
	if c.Inline != nil {
		shebang := c.InlineShebang
		if !p.explicitShebang && len(c.Inline) > 0 {
			if first, err := render(c.Inline[0]); err == nil && strings.HasPrefix(first, "#!") {
				shebang = ""
			}
		}
		path, err := script.WriteInline("packer-shell*", shebang, c.Inline, render)
		if err != nil {
			return err
		}
		defer os.Remove(path)
		scripts = append(scripts, path)
	}

	vars, err := script.Env{
		Format:      c.EnvVarFormat,
		BuildName:   c.PackerBuildName,
		BuilderType: c.PackerBuilderType,
		Vars:        c.Vars,
		Map:         c.Env,
		Generated:   data,
	}.Flatten()
	if err != nil {
		return err
	}

	envVarFile := ""
	if c.UseEnvVarFile {
		envVarFile = fmt.Sprintf("%s/varfile_%d.sh", c.RemoteFolder, rand.IntN(9999))
		content := []byte(vars)
		if !c.Binary {
			content = script.ToUnix(content)
		}
		err := script.Retry(ctx, c.StartRetryTimeout, func(ctx context.Context) error {
			if err := comm.Upload(ctx, envVarFile, bytes.NewReader(content), nil); err != nil {
				return fmt.Errorf("upload environment variable file: %w", err)
			}
			cmd := &sdk.RemoteCmd{Command: "chmod 0600 " + envVarFile}
			if err := comm.Start(ctx, cmd); err != nil {
				return fmt.Errorf("chmod environment variable file: %w", err)
			}
			cmd.Wait()
			return nil
		})
		if err != nil {
			return err
		}
	}

	for _, path := range scripts {
		ui.Say(fmt.Sprintf("Provisioning with shell script: %s", path))
		content, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read shell script: %w", err)
		}
		if !c.Binary {
			content = script.ToUnix(content)
		}
		data["Vars"] = vars
		data["EnvVarFile"] = envVarFile
		data["Path"] = c.RemotePath
		command, err := render(c.ExecuteCommand)
		if err != nil {
			return fmt.Errorf("render execute_command: %w", err)
		}

		// Upload, chmod and run form one unit retried together, so that a
		// reboot between upload and run does not leave the run without
		// its script.
		var cmd *sdk.RemoteCmd
		err = script.Retry(ctx, c.StartRetryTimeout, func(ctx context.Context) error {
			if err := comm.Upload(ctx, c.RemotePath, bytes.NewReader(content), nil); err != nil {
				return fmt.Errorf("upload script: %w", err)
			}
			chmod := &sdk.RemoteCmd{Command: "chmod 0755 " + c.RemotePath}
			if err := comm.Start(ctx, chmod); err != nil {
				return fmt.Errorf("chmod script file to 0755 in remote machine: %w", err)
			}
			chmod.Wait()
			cmd = &sdk.RemoteCmd{Command: command}
			return cmd.RunWithUi(ctx, comm, ui)
		})
		if err != nil {
			return err
		}
		if err := p.checkExit(cmd.ExitStatus()); err != nil {
			return err
		}
		if c.SkipClean {
			continue
		}
		if err := cleanup(ctx, comm, c.RemotePath, c.StartRetryTimeout); err != nil {
			return err
		}
	}
	if !c.SkipClean && envVarFile != "" {
		if err := cleanup(ctx, comm, envVarFile, c.StartRetryTimeout); err != nil {
			return err
		}
	}
	if c.PauseAfter > 0 {
		ui.Say(fmt.Sprintf("Pausing %s after this provisioner...", c.PauseAfter))
		select {
		case <-time.After(c.PauseAfter):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// ErrDisconnected is returned when a script drops the connection and
// expect_disconnect is not set.
var ErrDisconnected = errors.New("script disconnected unexpectedly. If you expected your script to disconnect, i.e. from a restart, you can try adding `\"expect_disconnect\": true` or `\"valid_exit_codes\": [0, 2300218]` to the shell provisioner parameters")

// checkExit applies Packer's rules: a disconnect is fine only when
// expected (whatever valid_exit_codes says); any other status must be
// among valid_exit_codes.
func (p *Provisioner) checkExit(status int) error {
	if status == sdk.CmdDisconnect {
		if !p.config.ExpectDisconnect {
			return ErrDisconnected
		}
		return nil
	}
	return script.ValidExitCode(p.config.ValidExitCodes, status)
}

// cleanup removes a remote file, retrying across disconnects.
func cleanup(ctx context.Context, comm sdk.Communicator, path string, timeout time.Duration) error {
	return script.Retry(ctx, timeout, func(ctx context.Context) error {
		cmd := &sdk.RemoteCmd{Command: "rm -f " + path}
		if err := comm.Start(ctx, cmd); err != nil {
			return fmt.Errorf("remove temporary script at %s: %w", path, err)
		}
		switch cmd.Wait() {
		case 0:
			return nil
		case sdk.CmdDisconnect:
			return errors.New("disconnect while removing temporary script")
		}
		return fmt.Errorf("error removing temporary script at %s", path)
	})
}
