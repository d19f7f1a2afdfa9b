package funcs

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// AbsPathFunc makes a path absolute, with forward slashes.
var AbsPathFunc = function.New(&function.Spec{
	Description: "Converts the path to an absolute path, resolving it against the current working directory.",
	Params:      []function.Parameter{{Name: "path", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		abs, err := filepath.Abs(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("make %q absolute: %w", args[0].AsString(), err)
		}
		return cty.StringVal(filepath.ToSlash(abs)), nil
	},
})

// BasenameFunc returns the last element of a path.
var BasenameFunc = function.New(&function.Spec{
	Description: "Returns the last element of a path.",
	Params:      []function.Parameter{{Name: "path", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(filepath.Base(args[0].AsString())), nil
	},
})

// DirnameFunc returns a path without its last element.
var DirnameFunc = function.New(&function.Spec{
	Description: "Returns all but the last element of a path.",
	Params:      []function.Parameter{{Name: "path", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(filepath.Dir(args[0].AsString())), nil
	},
})

// PathExpandFunc replaces a leading ~ with the current user's home
// directory.
var PathExpandFunc = function.New(&function.Spec{
	Description: "Replaces a leading ~ in a path with the current user's home directory.",
	Params:      []function.Parameter{{Name: "path", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := expandHome(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(p), nil
	},
})

func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expand %q: %w", p, err)
	}
	return filepath.Join(home, p[1:]), nil
}

// resolve makes a template path absolute: ~ is expanded, and a relative
// path is joined to basedir.
func resolve(basedir, p string) (string, error) {
	p, err := expandHome(p)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(basedir, p)
	}
	return p, nil
}

func readFile(basedir, p string) ([]byte, error) {
	full, err := resolve(basedir, p)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no file exists at %s; this function works only with files that exist when the template is loaded", p)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return b, nil
}

// MakeFileFunc returns the file function: the contents of a UTF-8 file,
// relative paths resolved against basedir.
func MakeFileFunc(basedir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads the contents of a file at the given path and returns them as a string.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			b, err := readFile(basedir, p)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			if !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), fmt.Errorf("contents of %s are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents", p)
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// MakeFileBase64Func returns the filebase64 function: the contents of a
// file, base64-encoded.
func MakeFileBase64Func(basedir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads the contents of a file at the given path and returns them as a base64-encoded string.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := readFile(basedir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
		},
	})
}

// MakeFileExistsFunc returns the fileexists function: whether a regular
// file exists at a path.
func MakeFileExistsFunc(basedir string) function.Function {
	return function.New(&function.Spec{
		Description: "Determines whether a file exists at the given path.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			full, err := resolve(basedir, p)
			if err != nil {
				return cty.UnknownVal(cty.Bool), err
			}
			fi, err := os.Stat(full)
			if errors.Is(err, fs.ErrNotExist) {
				return cty.False, nil
			}
			if err != nil {
				return cty.UnknownVal(cty.Bool), fmt.Errorf("stat %s: %w", p, err)
			}
			if !fi.Mode().IsRegular() {
				return cty.UnknownVal(cty.Bool), fmt.Errorf("%s is not a regular file, but %q", p, fi.Mode().Type().String())
			}
			return cty.True, nil
		},
	})
}

// MakeFileSetFunc returns the fileset function: the regular files under a
// directory whose path (relative to that directory, with forward slashes)
// matches a pattern. Patterns support *, ?, [class], {alt,ernatives} and
// ** for any number of directories.
func MakeFileSetFunc(basedir string) function.Function {
	return function.New(&function.Spec{
		Description: "Enumerates a set of regular file names given a path and pattern.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "pattern", Type: cty.String},
		},
		Type: function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			root, err := resolve(basedir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), err
			}
			pattern := filepath.ToSlash(args[1].AsString())
			patterns := expandBraces(pattern)
			for _, p := range patterns {
				if _, err := path.Match(strings.ReplaceAll(p, "**", "*"), ""); err != nil {
					return cty.UnknownVal(cty.Set(cty.String)), function.NewArgErrorf(1, "failed to glob pattern %q: %s", pattern, err)
				}
			}
			var matches []cty.Value
			err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					if p == root && errors.Is(err, fs.ErrNotExist) {
						return fs.SkipAll
					}
					return err
				}
				if !d.Type().IsRegular() {
					if d.Type()&fs.ModeSymlink != 0 {
						if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
							return nil
						}
					} else {
						return nil
					}
				}
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				rel = filepath.ToSlash(rel)
				for _, pat := range patterns {
					if globMatch(pat, rel) {
						matches = append(matches, cty.StringVal(rel))
						break
					}
				}
				return nil
			})
			if err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("failed to glob pattern %q: %w", pattern, err)
			}
			if len(matches) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			return cty.SetVal(matches), nil
		},
	})
}

// expandBraces turns "a{b,c}d" into "abd" and "acd", recursively.
func expandBraces(p string) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}
	}
	depth := 0
	for i := open; i < len(p); i++ {
		switch p[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				var out []string
				for _, alt := range splitTopLevel(p[open+1 : i]) {
					out = append(out, expandBraces(p[:open]+alt+p[i+1:])...)
				}
				return out
			}
		}
	}
	return []string{p}
}

// splitTopLevel splits s at the commas not nested in braces.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// globMatch matches a slash-separated path against a pattern in which a
// "**" segment stands for any number of directories.
func globMatch(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		seg := strings.ReplaceAll(pat[0], "**", "*")
		if ok, _ := path.Match(seg, name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// makeTemplateFileFunc returns the templatefile function. funcs gives the
// functions templates may call; templatefile itself is replaced there by a
// function that refuses recursion.
func makeTemplateFileFunc(basedir string, funcs func() map[string]function.Function) function.Function {
	params := []function.Parameter{
		{Name: "path", Type: cty.String},
		{Name: "vars", Type: cty.DynamicPseudoType},
	}
	render := func(args []cty.Value) (cty.Value, error) {
		p := args[0].AsString()
		src, err := readFile(basedir, p)
		if err != nil {
			return cty.DynamicVal, err
		}
		expr, diags := hclsyntax.ParseTemplate(src, p, hcl.Pos{Line: 1, Column: 1, Byte: 0})
		if diags.HasErrors() {
			return cty.DynamicVal, diags
		}
		vars := args[1]
		if !vars.IsWhollyKnown() {
			return cty.DynamicVal, nil
		}
		ty := vars.Type()
		if !vars.IsNull() && !ty.IsMapType() && !ty.IsObjectType() {
			return cty.DynamicVal, function.NewArgErrorf(1, "invalid vars value: must be a map")
		}
		ctxVars := map[string]cty.Value{}
		if !vars.IsNull() {
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				ctxVars[k.AsString()] = v
			}
		}
		for _, t := range expr.Variables() {
			if _, ok := ctxVars[t.RootName()]; !ok {
				return cty.DynamicVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", t.RootName(), t[0].SourceRange())
			}
		}
		fs := map[string]function.Function{}
		for k, v := range funcs() {
			fs[k] = v
		}
		fs["templatefile"] = function.New(&function.Spec{
			Params: params,
			Type: func([]cty.Value) (cty.Type, error) {
				return cty.NilType, errors.New("cannot recursively call templatefile from inside templatefile call")
			},
		})
		val, diags := expr.Value(&hcl.EvalContext{Variables: ctxVars, Functions: fs})
		if diags.HasErrors() {
			return cty.DynamicVal, diags
		}
		return val, nil
	}
	return function.New(&function.Spec{
		Description: "Renders a file as an HCL string template with the given variables.",
		Params:      params,
		Type: func(args []cty.Value) (cty.Type, error) {
			if !args[0].IsKnown() || !args[1].IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			v, err := render(args)
			return v.Type(), err
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return render(args)
		},
	})
}
