package chroot

import (
	"context"
	"fmt"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// imageExporter exports a Docker image's filesystem as a tar stream.
type imageExporter interface {
	Export(ctx context.Context, image string, w io.Writer) (imageInfo, error)
}

// imageInfo describes an exported image.
type imageInfo struct {
	// ID is the image id ("sha256:…").
	ID     string
	Config imageConfig
}

// imageConfig is the part of an image's configuration an oci output
// carries over.
type imageConfig struct {
	Env          []string
	Cmd          []string
	Entrypoint   []string
	WorkingDir   string
	User         string
	Labels       map[string]string
	ExposedPorts []string
}

// engineExporter exports through the Docker Engine API at DOCKER_HOST (or
// the default socket), negotiating the API version with old engines: it
// creates a container from the image without starting it, exports its
// filesystem and removes it.
type engineExporter struct{}

func (engineExporter) Export(ctx context.Context, image string, w io.Writer) (imageInfo, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return imageInfo{}, fmt.Errorf("docker client: %w", err)
	}
	defer cli.Close()
	inspect, err := cli.ImageInspect(ctx, image)
	if err != nil {
		return imageInfo{}, fmt.Errorf("inspect image %s: %w", image, err)
	}
	info := imageInfo{ID: inspect.ID}
	if cfg := inspect.Config; cfg != nil {
		info.Config = imageConfig{
			Env: cfg.Env, Cmd: cfg.Cmd, Entrypoint: cfg.Entrypoint,
			WorkingDir: cfg.WorkingDir, User: cfg.User, Labels: cfg.Labels,
		}
		for p := range cfg.ExposedPorts {
			info.Config.ExposedPorts = append(info.Config.ExposedPorts, p)
		}
	}
	// The command is never run; an image without one still needs one to
	// create a container.
	created, err := cli.ContainerCreate(ctx, &container.Config{Image: inspect.ID, Cmd: []string{"/kiln-export"}, Entrypoint: []string{}}, nil, nil, nil, "")
	if err != nil {
		return imageInfo{}, fmt.Errorf("create a container of %s: %w", image, err)
	}
	defer func() {
		// Removed even when ctx ended.
		_ = cli.ContainerRemove(context.WithoutCancel(ctx), created.ID, container.RemoveOptions{Force: true})
	}()
	rc, err := cli.ContainerExport(ctx, created.ID)
	if err != nil {
		return imageInfo{}, fmt.Errorf("export %s: %w", image, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return imageInfo{}, fmt.Errorf("export %s: %w", image, err)
	}
	return info, nil
}
