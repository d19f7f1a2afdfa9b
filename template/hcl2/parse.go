package hcl2

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// File name suffixes, as Packer's.
const (
	hclExt         = ".pkr.hcl"
	jsonExt        = ".pkr.json"
	autoVarExt     = ".auto.pkrvars.hcl"
	autoVarJSONExt = ".auto.pkrvars.json"
)

// Top-level block types.
const (
	blockPacker       = "packer"
	blockSource       = "source"
	blockVariables    = "variables"
	blockVariable     = "variable"
	blockLocals       = "locals"
	blockLocal        = "local"
	blockData         = "data"
	blockBuild        = "build"
	blockCommunicator = "communicator"
	blockRegistry     = "hcp_packer_registry"
)

var topSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockPacker},
		{Type: blockSource, LabelNames: []string{"type", "name"}},
		{Type: blockVariables},
		{Type: blockVariable, LabelNames: []string{"name"}},
		{Type: blockLocals},
		{Type: blockLocal, LabelNames: []string{"name"}},
		{Type: blockData, LabelNames: []string{"type", "name"}},
		{Type: blockBuild},
		{Type: blockCommunicator, LabelNames: []string{"type", "name"}},
		{Type: blockRegistry},
	},
}

// listFiles returns, in lexical order, the files of dir (not recursing)
// whose names end in ext, then those ending in jsonExt.
func listFiles(dir, ext, jsonExt string) (hclFiles, jsonFiles []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		switch {
		case strings.HasSuffix(n, ext):
			hclFiles = append(hclFiles, filepath.Join(dir, n))
		case strings.HasSuffix(n, jsonExt):
			jsonFiles = append(jsonFiles, filepath.Join(dir, n))
		}
	}
	return hclFiles, jsonFiles, nil
}

// parse reads the template files and everything -syntax-only checks: the
// packer block, variable declarations and values, data and local
// declarations.
func (l *loader) parse() hcl.Diagnostics {
	diags := l.parseFiles()
	if diags.HasErrors() {
		return diags
	}
	for _, f := range l.files {
		content, more := f.Body.Content(topSchema)
		diags = append(diags, sortDiags(more)...)
		if content == nil {
			continue
		}
		for _, b := range content.Blocks {
			l.top[b.Type] = append(l.top[b.Type], b)
		}
	}

	more := l.decodePackerBlocks()
	diags = append(diags, more...)
	if versionDiags := l.checkRequiredVersion(); versionDiags.HasErrors() {
		return append(diags, versionDiags...)
	}

	l.variables = newVariables(l.getenv)
	diags = append(diags, l.variables.decode(l.top[blockVariable], l.top[blockVariables])...)
	diags = append(diags, l.decodeDataBlocks()...)
	diags = append(diags, l.decodeLocalBlocks()...)
	diags = append(diags, l.collectValues()...)
	return diags
}

// parseFiles parses the template file, or the folder's template files.
func (l *loader) parseFiles() hcl.Diagnostics {
	var hclFiles, jsonFiles []string
	if l.isDir {
		var err error
		hclFiles, jsonFiles, err = listFiles(l.path, hclExt, jsonExt)
		if err != nil {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Failed to read " + l.path,
				Detail:   err.Error(),
			}}
		}
		if len(hclFiles)+len(jsonFiles) == 0 {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Could not find any config file in " + l.path,
				Detail:   "A config file must be suffixed with `.pkr.hcl` or `.pkr.json`. A folder can be referenced.",
			}}
		}
	} else {
		if _, err := os.Stat(l.path); err != nil {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Failed to read " + l.path,
				Detail:   err.Error(),
			}}
		}
		if strings.HasSuffix(l.path, ".json") {
			jsonFiles = []string{l.path}
		} else {
			hclFiles = []string{l.path}
		}
	}
	var diags hcl.Diagnostics
	for _, name := range hclFiles {
		f, more := l.parseHCLFile(name)
		diags = append(diags, more...)
		if f != nil {
			l.files = append(l.files, f)
		}
	}
	for _, name := range jsonFiles {
		f, more := l.parser.ParseJSONFile(name)
		diags = append(diags, more...)
		if f != nil {
			l.files = append(l.files, f)
		}
	}
	return diags
}

// parseHCLFile reads and parses an HCL file as hclparse.Parser's
// ParseHCLFile does, with parseConfig, and records it in the parser.
func (l *loader) parseHCLFile(name string) (*hcl.File, hcl.Diagnostics) {
	if f, ok := l.parser.Files()[name]; ok {
		return f, nil
	}
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Failed to read file",
			Detail:   fmt.Sprintf("The configuration file %q could not be read.", name),
		}}
	}
	f, diags := parseConfig(src, name)
	l.parser.AddFile(name, f)
	return f, diags
}

// varFiles parses the variable files: the folder's *.auto.pkrvars.hcl and
// *.auto.pkrvars.json when the template is a folder, then -var-file ones.
func (l *loader) varFiles() ([]*hcl.File, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var hclFiles, jsonFiles []string
	if l.isDir {
		var err error
		hclFiles, jsonFiles, err = listFiles(l.path, autoVarExt, autoVarJSONExt)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Failed to read " + l.path, Detail: err.Error()})
		}
	}
	var files []*hcl.File
	parse := func(name string, json bool) {
		var f *hcl.File
		var more hcl.Diagnostics
		if json {
			f, more = l.parser.ParseJSONFile(name)
		} else {
			f, more = l.parser.ParseHCLFile(name)
		}
		diags = append(diags, more...)
		if !more.HasErrors() && f != nil {
			files = append(files, f)
		}
	}
	for _, n := range hclFiles {
		parse(n, false)
	}
	for _, n := range jsonFiles {
		parse(n, true)
	}
	for _, n := range l.opts.VarFiles {
		switch filepath.Ext(n) {
		case ".hcl":
			parse(n, false)
		case ".json":
			parse(n, true)
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Could not guess format of " + n,
				Detail:   "A var file must be suffixed with `.hcl` or `.json`.",
			})
		}
	}
	return files, diags
}

// duplicate is the diagnostic of a block declared twice.
func duplicate(kind string, b, prev *hcl.Block, what string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + kind + " block",
		Detail: fmt.Sprintf("This %s block has the same %s as a previous block declared at %s. Each %s must have a unique name per type.",
			kind, what, prev.DefRange, kind),
		Subject: b.DefRange.Ptr(),
	}
}

// sortDiags orders diagnostics by position, so that the problems hcl
// finds while walking maps come out in source order.
func sortDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		if a == nil || b == nil {
			return a != nil
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return diags
}
