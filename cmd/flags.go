package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// KV is one -var assignment; order matters, later ones win.
type KV struct{ Key, Value string }

// kvFlag collects repeated -var 'key=value' flags in order.
type kvFlag struct{ kvs *[]KV }

func (f kvFlag) String() string {
	if f.kvs == nil {
		return ""
	}
	parts := make([]string, len(*f.kvs))
	for i, kv := range *f.kvs {
		parts[i] = kv.Key + "=" + kv.Value
	}
	return strings.Join(parts, ",")
}

func (f kvFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("no '=' in %q: write -var 'name=value'", v)
	}
	*f.kvs = append(*f.kvs, KV{Key: k, Value: val})
	return nil
}

func (kvFlag) Type() string { return "key=value" }

// listFlag collects repeated, comma-separated values (-only=a,b -only=c).
type listFlag struct{ list *[]string }

func (f listFlag) String() string {
	if f.list == nil {
		return ""
	}
	return strings.Join(*f.list, ",")
}

func (f listFlag) Set(v string) error {
	*f.list = append(*f.list, strings.Split(v, ",")...)
	return nil
}

func (listFlag) Type() string { return "list" }

// pathsFlag collects repeated values in order (-var-file=a -var-file=b).
type pathsFlag struct{ list *[]string }

func (f pathsFlag) String() string {
	if f.list == nil {
		return ""
	}
	return strings.Join(*f.list, ",")
}

func (f pathsFlag) Set(v string) error {
	*f.list = append(*f.list, v)
	return nil
}

func (pathsFlag) Type() string { return "path" }

// enumFlag accepts one of a fixed set of values.
type enumFlag struct {
	name    string
	value   *string
	allowed []string
}

func (f enumFlag) String() string {
	if f.value == nil {
		return ""
	}
	return *f.value
}

func (f enumFlag) Set(v string) error {
	for _, a := range f.allowed {
		if v == a {
			*f.value = v
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(f.allowed, ", "))
}

func (enumFlag) Type() string { return "string" }

// MetaOptions are the flags shared by the commands that load a template:
// build, validate, inspect, console.
type MetaOptions struct {
	Only       []string
	Except     []string
	Vars       []KV
	VarFiles   []string
	ConfigType string
}

func addVarFlags(fs *pflag.FlagSet, o *MetaOptions) {
	fs.Var(kvFlag{&o.Vars}, "var", "Variable for templates, can be used multiple times.")
	placeholder(fs, "var", " 'key=value'")
	fs.Var(pathsFlag{&o.VarFiles}, "var-file", "JSON or HCL2 file containing user variables, can be used multiple times.")
	placeholder(fs, "var-file", "=path")
	fs.Var(enumFlag{"config-type", &o.ConfigType, []string{"json", "hcl2"}}, "config-type", "Force the template to be read as legacy JSON (json) or HCL2 (hcl2). Default: by file name.")
	placeholder(fs, "config-type", "=[json|hcl2]")
}

func addOnlyExceptFlags(fs *pflag.FlagSet, o *MetaOptions, exceptUsage string) {
	fs.Var(listFlag{&o.Only}, "only", "Build only the specified builds.")
	placeholder(fs, "only", "=foo,bar,baz")
	fs.Var(listFlag{&o.Except}, "except", exceptUsage)
	placeholder(fs, "except", "=foo,bar,baz")
}
