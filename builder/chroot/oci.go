package chroot

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// writeImageArchive writes the root as a one-layer image archive that
// `docker load` accepts (manifest.json, the config, the gzipped layer),
// tagged imageName, and returns the image id ("sha256:…" of the config).
// No daemon is involved.
func writeImageArchive(ctx context.Context, root, workspace, out, imageName string, base imageConfig, changes []string) (string, error) {
	ref, err := name.NewTag(imageName)
	if err != nil {
		return "", fmt.Errorf("image_name %q: %w", imageName, err)
	}
	layerTar := filepath.Join(workspace, "layer.tar")
	if err := run(ctx, "tar", append(append([]string{"-c", "-f", layerTar}, tarFlags(root)...), ".")...); err != nil {
		return "", err
	}
	layer, err := tarball.LayerFromFile(layerTar)
	if err != nil {
		return "", fmt.Errorf("layer: %w", err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return "", fmt.Errorf("image: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return "", err
	}
	cf = cf.DeepCopy()
	cf.OS = "linux"
	cf.Architecture = runtime.GOARCH
	cf.Created = v1.Time{Time: time.Now().UTC()}
	cfg := base
	if len(cfg.Env) == 0 {
		cfg.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	}
	apply, err := parseChanges(changes)
	if err != nil {
		return "", err
	}
	apply(&cfg)
	cf.Config = v1.Config{
		Env: cfg.Env, Cmd: cfg.Cmd, Entrypoint: cfg.Entrypoint,
		WorkingDir: cfg.WorkingDir, User: cfg.User, Labels: cfg.Labels,
	}
	if len(cfg.ExposedPorts) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range cfg.ExposedPorts {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return "", err
	}
	id, err := img.ConfigName()
	if err != nil {
		return "", err
	}
	tmp := filepath.Join(workspace, "out.oci.tar")
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		return "", fmt.Errorf("write image archive: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	return id.String(), nil
}

// parseChanges reads Dockerfile-style image_changes and returns the
// function applying them to an image configuration.
func parseChanges(changes []string) (func(*imageConfig), error) {
	var fns []func(*imageConfig)
	for _, ch := range changes {
		instr, arg, _ := strings.Cut(strings.TrimSpace(ch), " ")
		arg = strings.TrimSpace(arg)
		switch strings.ToUpper(instr) {
		case "CMD":
			v := commandForm(arg)
			fns = append(fns, func(c *imageConfig) { c.Cmd = v })
		case "ENTRYPOINT":
			v := commandForm(arg)
			fns = append(fns, func(c *imageConfig) { c.Entrypoint = v })
		case "WORKDIR":
			fns = append(fns, func(c *imageConfig) { c.WorkingDir = arg })
		case "USER":
			fns = append(fns, func(c *imageConfig) { c.User = arg })
		case "ENV":
			k, v, ok := splitKV(arg)
			if !ok {
				return nil, fmt.Errorf("%q: want ENV KEY=value", ch)
			}
			fns = append(fns, func(c *imageConfig) {
				env := make([]string, 0, len(c.Env)+1)
				for _, e := range c.Env {
					if !strings.HasPrefix(e, k+"=") {
						env = append(env, e)
					}
				}
				c.Env = append(env, k+"="+v)
			})
		case "LABEL":
			k, v, ok := splitKV(arg)
			if !ok {
				return nil, fmt.Errorf("%q: want LABEL key=value", ch)
			}
			fns = append(fns, func(c *imageConfig) {
				labels := map[string]string{k: v}
				for lk, lv := range c.Labels {
					if lk != k {
						labels[lk] = lv
					}
				}
				c.Labels = labels
			})
		case "EXPOSE":
			port := arg
			if !strings.Contains(port, "/") {
				port += "/tcp"
			}
			fns = append(fns, func(c *imageConfig) {
				c.ExposedPorts = append(c.ExposedPorts, port)
				sort.Strings(c.ExposedPorts)
			})
		default:
			return nil, fmt.Errorf("%q: unsupported instruction (want CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL or EXPOSE)", ch)
		}
	}
	return func(c *imageConfig) {
		for _, f := range fns {
			f(c)
		}
	}, nil
}

// commandForm reads a JSON array (exec form) or a shell command (shell
// form, run with /bin/sh -c).
func commandForm(arg string) []string {
	var v []string
	if strings.HasPrefix(arg, "[") && json.Unmarshal([]byte(arg), &v) == nil {
		return v
	}
	return []string{"/bin/sh", "-c", arg}
}

func splitKV(arg string) (string, string, bool) {
	if k, v, ok := strings.Cut(arg, "="); ok && k != "" {
		return k, strings.Trim(v, `"`), true
	}
	if k, v, ok := strings.Cut(arg, " "); ok && k != "" {
		return k, strings.TrimSpace(v), true
	}
	return "", "", false
}
