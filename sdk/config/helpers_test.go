package config_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
)

// testConfig exercises every rule: squash (embedded and named), the skipped
// fields, scalars, durations, lists, maps, dynamic values, the three block
// kinds, required keys and a type with its own cty type.
type testConfig struct {
	sdk.PackerConfig `mapstructure:",squash"`
	Comm             commConfig `mapstructure:",squash"`

	Image          string                    `mapstructure:"image" required:"true"`
	Pull           bool                      `mapstructure:"pull"`
	Privileged     bool                      `mapstructure:"privileged"`
	Port           int                       `mapstructure:"port"`
	Ratio          float64                   `mapstructure:"ratio"`
	Timeout        time.Duration             `mapstructure:"timeout"`
	Volumes        map[string]string         `mapstructure:"volumes"`
	RunCommand     []string                  `mapstructure:"run_command"`
	Ports          []int                     `mapstructure:"ports"`
	ExecuteCommand string                    `mapstructure:"execute_command"`
	Extra          any                       `mapstructure:"extra"`
	Settings       map[string]any            `mapstructure:"settings"`
	Mount          []mountConfig             `mapstructure:"mount"`
	Login          *loginConfig              `mapstructure:"login"`
	Registry       map[string]registryConfig `mapstructure:"registry"`
	Fix            trilean                   `mapstructure:"fix"`

	Ignored  string `mapstructure:"-"`
	Untagged string
	//lint:ignore U1000 present to show unexported fields are ignored
	internal string
}

type commConfig struct {
	Type       string        `mapstructure:"communicator"`
	SSHTimeout time.Duration `mapstructure:"ssh_timeout"`
}

type mountConfig struct {
	Source   string        `mapstructure:"source" required:"true"`
	Target   string        `mapstructure:"target"`
	ReadOnly bool          `mapstructure:"read_only"`
	Wait     time.Duration `mapstructure:"wait"`
}

type loginConfig struct {
	Server   string `mapstructure:"server" required:"true"`
	Username string `mapstructure:"username"`
}

type registryConfig struct {
	URL      string `mapstructure:"url"`
	Insecure bool   `mapstructure:"insecure"`
}

// trilean is a tri-state bool, written as a bool in HCL.
type trilean int8

const (
	triUnset trilean = iota
	triTrue
	triFalse
)

func (trilean) HCLType() cty.Type { return cty.Bool }

func (t *trilean) UnmarshalMapstructure(v any) error {
	switch x := v.(type) {
	case bool:
		*t = triFalse
		if x {
			*t = triTrue
		}
		return nil
	case string:
		switch x {
		case "true":
			*t = triTrue
			return nil
		case "false":
			*t = triFalse
			return nil
		}
	}
	return fmt.Errorf("expected a bool, got %v", v)
}

// parseHCL parses src as a native-syntax file named template.pkr.hcl.
func parseHCL(t testing.TB, src string) hcl.Body {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCL([]byte(src), "template.pkr.hcl")
	if diags.HasErrors() {
		t.Fatalf("parse: %s", diags)
	}
	return f.Body
}

// decodeHCL parses src and decodes it with the spec derived from target,
// as the template layer does, returning hcldec's diagnostics and the
// object value.
func decodeHCL(t testing.TB, target any, src string) (cty.Value, hcl.Body, hcl.Diagnostics) {
	t.Helper()
	body := parseHCL(t, src)
	v, diags := hcldec.Decode(body, config.Spec(target), nil)
	return v, body, diags
}

// messages returns the messages of the FieldErrors in err, failing the
// test if err holds anything else.
func messages(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	fes := config.FieldErrors(err)
	var out []string
	for _, fe := range fes {
		out = append(out, fe.Error())
	}
	if len(out) == 0 {
		t.Fatalf("error is no FieldError: %v", err)
	}
	// The joined message is the messages, one a line.
	if want := errors.Join(toErrs(fes)...).Error(); err.Error() != want {
		t.Errorf("err.Error() = %q, want %q", err.Error(), want)
	}
	return out
}

func toErrs(fes []*config.FieldError) []error {
	out := make([]error, len(fes))
	for i, fe := range fes {
		out[i] = fe
	}
	return out
}

// mustDecodeBody decodes body with the spec derived from target.
func mustDecodeBody(t testing.TB, body hcl.Body, target any) cty.Value {
	t.Helper()
	v, diags := hcldec.Decode(body, config.Spec(target), nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return v
}
