// Package sdk holds the contracts every kiln component implements: builders,
// provisioners, post-processors, data sources, artifacts, the hook that fires
// provisioners, the Ui they write to and the communicator they talk through.
//
// The package knows nothing of templates or of any concrete component; the
// template layer decodes configuration into the values handed to Prepare and
// Configure, and core wires components together.
package sdk
