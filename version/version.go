// Package version holds kiln's own version and the HashiCorp Packer
// version whose behaviour kiln reproduces.
package version

// Set at link time by the Makefile (-ldflags -X).
var (
	// Version is kiln's release version.
	Version = "0.1.0"
	// Prerelease is "dev" for development builds, empty for releases.
	Prerelease = "dev"
	// Commit is the git commit the binary was built from.
	Commit = ""
)

// PackerCompat is the Packer release kiln is compatible with. It is what
// templates see as packer.version and what required_version constraints
// are checked against.
const PackerCompat = "1.16.0"

// String returns the version with its prerelease suffix, e.g. "0.1.0-dev".
func String() string {
	if Prerelease != "" {
		return Version + "-" + Prerelease
	}
	return Version
}
