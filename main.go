// Command kiln builds machine images from Packer templates.
package main

import (
	"os"

	"github.com/kilnbuild/kiln/cmd"
)

func main() { os.Exit(cmd.Main()) }
