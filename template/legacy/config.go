package legacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/template"

	goversion "github.com/hashicorp/go-version"

	"github.com/kilnbuild/kiln/sdk/interpolate"
	"github.com/kilnbuild/kiln/secrets"
	"github.com/kilnbuild/kiln/version"
)

// Config is a parsed template with its user variables: what Packer calls
// the core of a JSON template. Initialize resolves the variables and the
// build names; Builds then prepares the builds.
type Config struct {
	Template *Template
	// Variables are the user variables. Before Initialize they hold the
	// values given on the command line (var files, then -var); after, every
	// variable with its rendered value.
	Variables map[string]string
	// Builds maps each build name (the raw builder name, rendered) to its
	// builder. Set by Initialize.
	Builds map[string]*Builder
	// Secrets are the values of the sensitive variables. Set by
	// Initialize.
	Secrets []string

	// Getenv reads the environment for {{ env }}; nil means os.Getenv.
	Getenv func(string) string
	// CoreVersion is the Packer version templates see
	// ({{ packer_version }}, min_packer_version, packer_core_version).
	CoreVersion string
	// File is the template's path as given, for locating errors in it.
	File string

	positions positions // of Template.RawContents, made on the first error
}

// NewConfig returns the Config of t with the command-line variables vars.
func NewConfig(t *Template, vars map[string]string) *Config {
	c := &Config{Template: t, Variables: map[string]string{}, CoreVersion: version.PackerCompat}
	for k, v := range vars {
		c.Variables[k] = v
	}
	return c
}

// ReadVarFile reads a -var-file for a JSON template: a JSON object whose
// values are strings.
func ReadVarFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	if err := json.NewDecoder(f).Decode(&vars); err != nil {
		return nil, fmt.Errorf("Error reading variables in '%s': %w", path, err)
	}
	return vars, nil
}

// context is the interpolation context of the template itself (variables,
// build names, max_retries). Its secret readers reach Vault, Consul and
// AWS Secrets Manager; {{ vault }}, {{ consul_key }} and
// {{ aws_secretsmanager }} call them in variable values only.
func (c *Config) context() *interpolate.Context {
	return &interpolate.Context{
		TemplatePath:      c.Template.Path,
		UserVariables:     c.Variables,
		CorePackerVersion: c.CoreVersion,
		Getenv:            c.Getenv,
		Secrets:           secrets.Readers(),
	}
}

// Initialize validates the template (builders, only/except, overrides,
// min_packer_version, required variables), renders the user variables and
// the build names. Its error reads as Packer's.
func (c *Config) Initialize() error {
	if err := c.validate(); err != nil {
		return err
	}
	if err := c.renderVariables(); err != nil {
		return err
	}
	c.Secrets = nil
	for _, name := range c.Template.SensitiveVariables {
		c.Secrets = append(c.Secrets, c.Variables[name])
	}
	c.Builds = make(map[string]*Builder, len(c.Template.Builders))
	for _, raw := range c.Template.BuilderOrder {
		b := c.Template.Builders[raw]
		name, err := interpolate.Render(b.Name, c.context())
		if err != nil {
			return fmt.Errorf("Error interpolating builder '%s': %w", b.Name, err)
		}
		c.Builds[name] = b
	}
	return nil
}

func (c *Config) validate() error {
	if err := c.Template.Validate(); err != nil {
		return err
	}
	if c.Template.MinVersion != "" {
		actual, err := goversion.NewVersion(c.CoreVersion)
		if err != nil {
			return fmt.Errorf("invalid core version %q: %w", c.CoreVersion, err)
		}
		min, err := goversion.NewVersion(c.Template.MinVersion)
		if err != nil {
			return fmt.Errorf("min_version is invalid: %w", err)
		}
		if actual.LessThan(min) {
			//lint:ignore ST1005 Packer's wording, kept for compatibility
			return fmt.Errorf("This template requires Packer version %s or higher; using %s", min, actual)
		}
	}
	var errs multiError
	for _, name := range sortedKeys(c.Template.Variables) {
		if !c.Template.Variables[name].Required {
			continue
		}
		if _, ok := c.Variables[name]; !ok {
			errs = append(errs, fmt.Errorf("required variable not set: %s", name))
		}
	}
	return errs.errOrNil()
}

// userRef matches a {{ user `x` }} call: a value holding one is rendered
// again on every pass, since what it refers to may change.
var userRef = regexp.MustCompile(`{{\s*user\s*` + "`" + `.*` + "`" + `\s*}}`)

// renderVariables renders the values of the user variables (template
// defaults overridden by command-line values), which may use {{ env }} and
// refer to each other with {{ user }}. Like Packer, it makes passes over
// the variables in name order until none changes, at most 100, and treats
// a variable referenced by another as required.
func (c *Config) renderVariables() error {
	ctx := c.context()
	ctx.EnableEnv = true
	ctx.UserVariables = map[string]string{}

	type kv struct{ key, value string }
	values := map[string]string{}
	var keys []string
	for k, v := range c.Template.Variables {
		values[k] = v.Default
		keys = append(keys, k)
	}
	for k, v := range c.Variables {
		if _, ok := values[k]; !ok {
			keys = append(keys, k)
		}
		values[k] = v
	}
	sort.Strings(keys)
	pending := make([]kv, 0, len(keys))
	for _, k := range keys {
		pending = append(pending, kv{k, values[k]})
	}

	retry, changed := false, false
	failed := ""
	for pass := 0; pass < 100; pass++ {
		retry, changed = false, false
		var done []string
		for _, p := range pending {
			out, err := interpolate.RenderExcluding(p.value, ctx, interpolate.FieldReference)
			if err != nil {
				var ee template.ExecError
				if !errors.As(err, &ee) {
					return fmt.Errorf("error interpolating default value for '%s': %w", p.key, err)
				}
				if !strings.Contains(err.Error(), interpolate.ErrVariableNotSet) {
					return err
				}
				retry = true
				failed = fmt.Sprintf(`"%s": "%s"; error: %s`, p.key, p.value, err)
				continue
			}
			changed = true
			c.Variables[p.key] = out
			ctx.UserVariables = c.Variables
			if userRef.MatchString(p.value) {
				retry = true
			} else {
				done = append(done, p.key)
			}
		}
		if !retry {
			break
		}
		for _, k := range done {
			for i, p := range pending {
				if p.key == k {
					pending = append(pending[:i], pending[i+1:]...)
					break
				}
			}
		}
	}
	if !changed && retry {
		//lint:ignore ST1005 Packer's wording, kept for compatibility
		return fmt.Errorf("Failed to interpolate %s: Please make sure that the variable you're referencing has been defined; Packer treats all variables used to interpolate other user variables as required.", failed)
	}
	return nil
}

// BuildNames returns the names of the builds only and except select (exact
// names; except wins), sorted.
func (c *Config) BuildNames(only, except []string) []string {
	var names []string
	for n := range c.Builds {
		if len(only) > 0 && !contains(only, n) {
			continue
		}
		if contains(except, n) {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
