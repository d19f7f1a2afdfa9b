package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kilnbuild/kiln/version"
)

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Prints the kiln version",
		Long: `Prints the kiln version and the Packer version it is compatible with.
With -machine-readable, prints version, version-prelease and version-commit
lines as Packer does.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("version takes no arguments")
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error {
			return runVersion(c.Context(), f)
		},
	}
}

func runVersion(_ context.Context, f *Factory) error {
	u := f.Ui(uiOptions{})
	v, pre := version.Version, version.Prerelease
	text := fmt.Sprintf("kiln v%s (compatible with Packer v%s)", version.String(), version.PackerCompat)
	if f.ProgName == "packer" {
		// Invoked through a "packer" symlink: answer as the Packer release
		// kiln stands in for, so version checks in scripts pass.
		v, pre = version.PackerCompat, ""
		text = fmt.Sprintf("Packer v%s (kiln v%s)", version.PackerCompat, version.String())
	}
	u.Machine("version", v)
	u.Machine("version-prelease", pre)
	u.Machine("version-commit", version.Commit)
	u.Machine("version-kiln", version.String())
	u.Say(text)
	return nil
}
