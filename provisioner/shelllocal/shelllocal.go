// Package shelllocal is the shell-local provisioner: it runs commands or
// scripts on the machine kiln runs on, with the build's environment. The
// shell-local post-processor shares its Config and Run.
package shelllocal

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/communicator/local"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/provisioner/internal/script"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// Config is the configuration of shell-local, provisioner and
// post-processor alike.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`

	// Command is a single command (deprecated: use inline).
	Command string `mapstructure:"command"`
	// Inline commands are written, one per line, to a script.
	Inline []string `mapstructure:"inline"`
	// Script is one local script; Scripts several, run in order.
	Script  string   `mapstructure:"script"`
	Scripts []string `mapstructure:"scripts"`
	// ExecuteCommand is the argv that runs each script: {{.Vars}},
	// {{.Script}} (alias {{.Command}}) and the generated data are
	// available. Default ["/bin/sh", "-c", "{{.Vars}} {{.Script}}"].
	ExecuteCommand []string `mapstructure:"execute_command"`
	// InlineShebang starts the inline script ("/bin/sh -e").
	InlineShebang string `mapstructure:"inline_shebang"`
	// OnlyOn lists the operating systems (GOOS) to run on.
	OnlyOn []string `mapstructure:"only_on"`
	// TempfileExtension is the extension of the inline script file.
	TempfileExtension string `mapstructure:"tempfile_extension"`
	// UseLinuxPathing converts script paths for WSL (Windows only).
	UseLinuxPathing bool `mapstructure:"use_linux_pathing"`
	// Vars are "key=value" environment variables; Env is applied after.
	Vars []string          `mapstructure:"environment_vars"`
	Env  map[string]string `mapstructure:"env"`
	// EnvVarFormat renders one variable ("%s='%s' ").
	EnvVarFormat string `mapstructure:"env_var_format"`
	// ValidExitCodes are the exit statuses that count as success ([0]).
	ValidExitCodes []int `mapstructure:"valid_exit_codes"`
	// Binary is accepted for compatibility with the shell provisioner.
	Binary bool `mapstructure:"binary"`

	ictx *interpolate.Context
}

// Excluded are the keys rendered at run time rather than at Prepare.
var Excluded = []string{"execute_command", "inline", "environment_vars", "env", "command"}

var supportedOS = []string{"darwin", "freebsd", "linux", "openbsd", "solaris", "windows"}

// Decode decodes and validates raws into c.
func Decode(c *Config, raws ...any) error {
	if err := DecodeOnly(c, raws...); err != nil {
		return err
	}
	return Validate(c)
}

// DecodeOnly decodes raws into c without defaults or validation.
func DecodeOnly(c *Config, raws ...any) error {
	ictx, err := compconfig.Decode(c, Excluded, raws...)
	if err != nil {
		return err
	}
	c.ictx = ictx
	return nil
}

// Validate sets c's defaults and validates it.
func Validate(c *Config) error {
	var errs compconfig.Errors
	if runtime.GOOS == "windows" {
		if len(c.ExecuteCommand) == 0 {
			c.ExecuteCommand = []string{"cmd", "/V", "/C", "{{.Vars}}", "call", "{{.Script}}"}
		}
		if c.TempfileExtension == "" {
			c.TempfileExtension = ".cmd"
		}
	} else {
		if c.InlineShebang == "" {
			c.InlineShebang = "/bin/sh -e"
		}
		if len(c.ExecuteCommand) == 0 {
			c.ExecuteCommand = []string{"/bin/sh", "-c", "{{.Vars}} {{.Script}}"}
		}
	}
	if c.Command == "" && len(c.Inline) == 0 && len(c.Scripts) == 0 && c.Script == "" {
		errs.Add(errors.New("command, inline, script and scripts options cannot all be empty"))
	}
	tooMany := errors.New("you may only specify one of the following options: command, inline, script or scripts; please consolidate these options in your config")
	if c.Command != "" {
		if len(c.Inline) != 0 || len(c.Scripts) != 0 || c.Script != "" {
			errs.Add(tooMany)
		} else {
			c.Inline = []string{c.Command}
		}
	}
	if c.Script != "" {
		if len(c.Scripts) > 0 || len(c.Inline) > 0 {
			errs.Add(tooMany)
		} else {
			c.Scripts = []string{c.Script}
		}
	}
	if len(c.Scripts) > 0 && c.Inline != nil && c.Script == "" {
		errs.Add(tooMany)
	}
	for _, e := range script.StatScripts(c.Scripts) {
		errs.Add(e)
	}
	for _, osName := range c.OnlyOn {
		if !slices.Contains(supportedOS, osName) {
			errs.Key("only_on", "invalid OS specified in only_on: '%s'; supported OS names: %s", osName, strings.Join(supportedOS, ", "))
		}
	}
	if c.UseLinuxPathing && len(c.Inline) > 0 {
		errs.Add(errors.New("kiln is unable to use the command and inline features with the Windows Linux Subsystem; please use the script or scripts options instead"))
	}
	if c.EnvVarFormat == "" {
		if runtime.GOOS == "windows" && !c.UseLinuxPathing {
			c.EnvVarFormat = "set %s=%s && "
		} else {
			c.EnvVarFormat = "%s='%s' "
		}
	}
	c.TempfileExtension = strings.TrimPrefix(c.TempfileExtension, ".")
	for _, e := range script.CheckVars(c.Vars) {
		errs.Add(&config.FieldError{Path: "environment_vars", Err: e})
	}
	return errs.Err()
}

// Run runs the configured commands locally, with generatedData available
// to templates. It reports whether anything ran (false when only_on
// excludes this OS).
func Run(ctx context.Context, ui sdk.Ui, c *Config, generatedData map[string]any) (bool, error) {
	if len(c.OnlyOn) > 0 && !slices.Contains(c.OnlyOn, runtime.GOOS) {
		ui.Say("Skipping shell-local due to runtime OS")
		return false, nil
	}
	data := maps.Clone(generatedData)
	if data == nil {
		data = map[string]any{}
	}
	ictx := interpolate.Context{}
	if c.ictx != nil {
		ictx = *c.ictx
	}
	ictx.Data = data
	render := func(s string) (string, error) { return interpolate.Render(s, &ictx) }

	scripts := append([]string(nil), c.Scripts...)
	if len(scripts) == 0 && c.Inline != nil {
		path, err := script.WriteInline("packer-shell*", c.InlineShebang, c.Inline, render)
		if err != nil {
			return false, err
		}
		if c.TempfileExtension != "" {
			renamed := path + "." + c.TempfileExtension
			if err := os.Rename(path, renamed); err != nil {
				os.Remove(path)
				return false, fmt.Errorf("rename inline script: %w", err)
			}
			path = renamed
		}
		defer os.Remove(path)
		scripts = append(scripts, path)
	}

	vars, err := script.Env{
		Format:      c.EnvVarFormat,
		BuildName:   c.PackerBuildName,
		BuilderType: c.PackerBuilderType,
		Vars:        c.Vars,
		Map:         renderMap(c.Env, render),
		Generated:   data,
		Render:      render,
	}.Flatten()
	if err != nil {
		return false, err
	}

	for _, s := range scripts {
		abs, err := filepath.Abs(s)
		if err != nil {
			return false, fmt.Errorf("executing script %s: %w", s, err)
		}
		if c.UseLinuxPathing {
			abs = linuxPath(abs)
		}
		data["Vars"] = vars
		data["Script"] = abs
		data["Command"] = abs
		argv := make([]string, len(c.ExecuteCommand))
		for i, a := range c.ExecuteCommand {
			if argv[i], err = render(a); err != nil {
				return false, fmt.Errorf("render execute_command: %w", err)
			}
		}
		ui.Say(fmt.Sprintf("Running local shell script: %s", s))
		comm := &local.Communicator{ExecuteCommand: argv}
		cmd := &sdk.RemoteCmd{Command: strings.Join(argv, " ")}
		if err := cmd.RunWithUi(ctx, comm, ui); err != nil {
			return false, fmt.Errorf("executing script %s: %w; see the output above for more information", abs, err)
		}
		cmd.Wait()
		if err := script.ValidExitCode(c.ValidExitCodes, cmd.ExitStatus()); err != nil {
			return false, err
		}
	}
	return true, nil
}

func renderMap(m map[string]string, render func(string) (string, error)) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if r, err := render(v); err == nil {
			v = r
		}
		out[k] = v
	}
	return out
}

// linuxPath turns C:/path into /mnt/c/path, for WSL.
func linuxPath(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if drive, rest, ok := strings.Cut(p, ":/"); ok {
		return "/mnt/" + strings.ToLower(drive) + "/" + rest
	}
	return p
}

// Provisioner is the shell-local provisioner.
type Provisioner struct {
	config Config
}

var _ sdk.Provisioner = (*Provisioner)(nil)

// ConfigSpec implements sdk.Provisioner.
func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Prepare implements sdk.Provisioner.
func (p *Provisioner) Prepare(raws ...any) error {
	var c Config
	if err := Decode(&c, raws...); err != nil {
		return err
	}
	p.config = c
	return nil
}

// Provision implements sdk.Provisioner; comm is not used.
func (p *Provisioner) Provision(ctx context.Context, ui sdk.Ui, _ sdk.Communicator, generatedData map[string]any) error {
	_, err := Run(ctx, ui, &p.config, generatedData)
	return err
}
