package interpolate

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// ErrVariableNotSet starts the error {{ user }} returns for an undefined
// variable while variable values are rendered (EnableEnv).
const ErrVariableNotSet = "Error: variable not set:"

// FuncNames lists the functions every template can call, for tools that
// need to recognise them (hcl2_upgrade, the console).
var FuncNames = []string{
	"aws_secretsmanager", "aws_secretsmanager_raw", "build", "build_name", "build_type",
	"clean_resource_name", "consul_key", "env", "isotime", "lower", "packer_version", "pwd",
	"replace", "replace_all", "sed", "split", "strftime", "template_dir", "timestamp",
	"upper", "user", "uuid", "vault",
}

// Funcs returns the template functions available for ctx: Packer's, and
// ctx.Funcs over them.
func Funcs(ctx *Context) template.FuncMap {
	if ctx == nil {
		ctx = &Context{}
	}
	m := template.FuncMap{
		"build_name": func() (string, error) {
			if ctx.BuildName == "" {
				return "", errors.New("build_name not available")
			}
			return ctx.BuildName, nil
		},
		"build_type": func() (string, error) {
			if ctx.BuildType == "" {
				return "", errors.New("build_type not available")
			}
			return ctx.BuildType, nil
		},
		"env": func(name string) (string, error) {
			if !ctx.EnableEnv {
				return "", errors.New("env vars are not allowed here")
			}
			if ctx.Getenv == nil {
				return os.Getenv(name), nil
			}
			return ctx.Getenv(name), nil
		},
		"isotime": func(format ...string) (string, error) {
			switch len(format) {
			case 0:
				return ctx.now().Format(time.RFC3339), nil
			case 1:
				return ctx.now().Format(format[0]), nil
			}
			return "", fmt.Errorf("too many values, 1 needed: %v", format)
		},
		"strftime": func(format string) string {
			return Strftime(format, ctx.now())
		},
		"timestamp": func() string {
			return strconv.FormatInt(ctx.now().Unix(), 10)
		},
		"uuid": func() (string, error) {
			return TimeOrderedUUID()
		},
		"pwd": os.Getwd,
		"template_dir": func() (string, error) {
			if ctx.TemplatePath == "" {
				return "", errors.New("template path not available")
			}
			return filepath.Abs(filepath.Dir(ctx.TemplatePath))
		},
		"packer_version": func() (string, error) {
			if ctx.CorePackerVersion == "" {
				return "", errors.New("packer_version not available")
			}
			return ctx.CorePackerVersion, nil
		},
		"user": func(name string) (string, error) {
			v, ok := ctx.UserVariables[name]
			if !ok && ctx.EnableEnv {
				return "", fmt.Errorf("%s %s", ErrVariableNotSet, name)
			}
			return v, nil
		},
		"build": func(key string) (string, error) {
			return buildValue(ctx.Data, key)
		},
		"split": func(s, sep string, i int) (string, error) {
			parts := strings.Split(s, sep)
			if i < 0 || len(parts) <= i {
				return "", fmt.Errorf("the substring %d was unavailable using the separator value, %s, only %d values were found", i, sep, len(parts))
			}
			return parts[i], nil
		},
		"replace": func(old, new string, n int, s string) string {
			return strings.Replace(s, old, new, n)
		},
		"replace_all": func(old, new, s string) string {
			return strings.ReplaceAll(s, old, new)
		},
		"lower":               strings.ToLower,
		"upper":               strings.ToUpper,
		"clean_resource_name": CleanResourceName,
		"sed": func(string, string) (string, error) {
			return "", errors.New("template function `sed` is deprecated use `replace` or `replace_all` instead.Documentation: https://www.packer.io/docs/templates/engine")
		},
		"consul_key": func(key string) (string, error) {
			if !ctx.EnableEnv {
				return "", errors.New("consul_key is not allowed here")
			}
			if ctx.Secrets.Consul == nil {
				return "", unsupported("consul_key")
			}
			return ctx.Secrets.Consul(key)
		},
		"vault": func(path, key string) (string, error) {
			if !ctx.EnableEnv {
				//lint:ignore ST1005 Packer's wording, kept for compatibility
				return "", errors.New("Vault vars are only allowed in the variables section")
			}
			if ctx.Secrets.Vault == nil {
				return "", unsupported("vault")
			}
			return ctx.Secrets.Vault(path, key)
		},
		"aws_secretsmanager": func(args ...string) (string, error) {
			if !ctx.EnableEnv {
				return "", errors.New("AWS Secrets Manager is only allowed in the variables section")
			}
			var name, key string
			switch len(args) {
			case 0:
				return "", errors.New("secret name must be provided")
			case 1:
				name = args[0]
			case 2:
				name, key = args[0], args[1]
			default:
				//lint:ignore ST1005 Packer's wording, kept for compatibility
				return "", errors.New("only secret name and optional secret key can be provided.")
			}
			if ctx.Secrets.AWSSecret == nil {
				return "", unsupported("aws_secretsmanager")
			}
			return ctx.Secrets.AWSSecret(name, key)
		},
		"aws_secretsmanager_raw": func(name string) (string, error) {
			if !ctx.EnableEnv {
				return "", errors.New("AWS Secrets Manager is only allowed in the variables section")
			}
			if ctx.Secrets.AWSSecretRaw == nil {
				return "", unsupported("aws_secretsmanager_raw")
			}
			return ctx.Secrets.AWSSecretRaw(name)
		},
	}
	for k, v := range ctx.Funcs {
		m[k] = v
	}
	return m
}

func unsupported(fn string) error {
	return fmt.Errorf("the %s template function is not supported by kiln: pass the value with -var or -var-file instead", fn)
}

// PlaceholderMsg ends the placeholder values generated data has while
// components are prepared, before a build runs.
const PlaceholderMsg = "To set this dynamically in the Packer template, you must use the `build` function"

// IsPlaceholder reports whether v is a generated-data placeholder.
func IsPlaceholder(v any) bool {
	s, ok := v.(string)
	return ok && strings.Contains(s, PlaceholderMsg)
}

// PlaceholderData returns the generated data components see while they
// are prepared: every common key, and the builder's generatedVars, bound
// to Packer's placeholder text ("Build_ID. To set this dynamically ...").
// {{ build `ID` }} renders such a placeholder as {{.ID}}, to be filled
// when the build runs.
func PlaceholderData(generatedVars []string) map[string]any {
	msg := func(k string) string { return "Build_" + k + ". " + PlaceholderMsg }
	data := map[string]any{
		"ID":             msg("ID"),
		"Host":           msg("Host"),
		"Port":           msg("Port"),
		"User":           msg("User"),
		"Password":       msg("Password"),
		"ConnType":       msg("Type"),
		"PackerRunUUID":  msg("PackerRunUUID"),
		"PackerHTTPPort": msg("PackerHTTPPort"),
		"PackerHTTPIP":   msg("PackerHTTPIP"),
		"PackerHTTPAddr": msg("PackerHTTPAddr"),
		"SSHPublicKey":   msg("SSHPublicKey"),
		"SSHPrivateKey":  msg("SSHPrivateKey"),
		// As in Packer, a WinRM password gets through without the check.
		"WinRMPassword": "{{.WinRMPassword}}",
	}
	for _, k := range generatedVars {
		data[k] = msg(k)
	}
	return data
}

// buildValue answers {{ build `key` }} from the generated data.
func buildValue(data any, key string) (string, error) {
	var v any
	var found bool
	switch d := data.(type) {
	case map[string]any:
		v, found = d[key]
	case map[string]string:
		v, found = d[key]
	case map[any]any:
		v, found = d[key]
	default:
		//lint:ignore ST1005 Packer's wording, kept for compatibility
		return "", fmt.Errorf("Error validating build variable: the given variable %s will not be passed into your plugin.", key)
	}
	if found {
		if s, ok := v.(string); ok {
			if strings.Contains(s, PlaceholderMsg) {
				// Not known yet: leave a reference the real value
				// will fill.
				return "{{." + key + "}}", nil
			}
			return s, nil
		}
	}
	//lint:ignore ST1005 Packer's wording, kept for compatibility
	return "", fmt.Errorf("loaded data, but couldnt find %s in it.", key)
}

// CleanResourceName makes s usable as a cloud resource name: lower case,
// with every character other than a-z, 0-9 and "-" replaced by "-".
func CleanResourceName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			b[i] = '-'
		}
	}
	return string(b)
}

// TimeOrderedUUID returns a random UUID-shaped identifier whose first
// eight hex digits are the current Unix time, so that identifiers sort by
// creation time.
func TimeOrderedUUID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate uuid: %w", err)
	}
	return fmt.Sprintf("%08x-%x-%x-%x-%x",
		uint32(time.Now().Unix()), b[0:2], b[2:4], b[4:6], b[6:12]), nil
}
