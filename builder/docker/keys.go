package docker

import "github.com/kilnbuild/kiln/multistep"

// State keys of the docker builder's steps.
var (
	// KeyDriver is the engine the steps talk to.
	KeyDriver = multistep.NewKey[Driver]("docker_driver")
	// KeyConfig is the prepared configuration.
	KeyConfig = multistep.NewKey[*Config]("docker_config")
	// KeyTempDir is the host directory mounted at container_dir.
	KeyTempDir = multistep.NewKey[string]("docker_temp_dir")
	// KeyRunImage is the image the container runs: image, or the id of
	// the image built from the Dockerfile.
	KeyRunImage = multistep.NewKey[string]("docker_run_image")
	// KeySourceImage describes the base image.
	KeySourceImage = multistep.NewKey[ImageInfo]("docker_source_image")
	// KeyContainerID is the id of the build's container.
	KeyContainerID = multistep.NewKey[string]("container_id")
	// KeyCommitChanges are the Dockerfile instructions the commit applies.
	KeyCommitChanges = multistep.NewKey[[]string]("docker_commit_changes")
	// KeyImageID is the id of the committed image.
	KeyImageID = multistep.NewKey[string]("image_id")
)
