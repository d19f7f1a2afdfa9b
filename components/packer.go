package components

import "slices"

// Set names component types by kind.
type Set struct {
	Builders, Provisioners, PostProcessors, Datasources []string
}

// PackerBuiltins are the component types compiled into Packer itself
// (needing no plugin), as of the Packer version kiln follows.
var PackerBuiltins = Set{
	Builders:       []string{"file", "null"},
	Provisioners:   []string{"breakpoint", "file", "hcp-sbom", "powershell", "shell", "shell-local", "sleep", "windows-restart", "windows-shell"},
	PostProcessors: []string{"artifice", "checksum", "compress", "manifest", "provenance", "shell-local"},
	Datasources:    []string{"hcp-packer-artifact", "hcp-packer-image", "hcp-packer-iteration", "hcp-packer-version", "http", "null"},
}

// IsPackerBuiltin reports whether typ is a component type of kind
// ("builder" or "source", "provisioner" or "error-cleanup-provisioner",
// "post-processor", "data source" or "data") built into Packer itself.
func IsPackerBuiltin(kind, typ string) bool {
	var list []string
	switch kind {
	case "builder", "source":
		list = PackerBuiltins.Builders
	case "provisioner", "error-cleanup-provisioner":
		list = PackerBuiltins.Provisioners
	case "post-processor":
		list = PackerBuiltins.PostProcessors
	case "data source", "data":
		list = PackerBuiltins.Datasources
	}
	return slices.Contains(list, typ)
}
