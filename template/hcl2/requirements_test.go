package hcl2_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kilnbuild/kiln/components"
	"github.com/kilnbuild/kiln/template"
	"github.com/kilnbuild/kiln/template/hcl2"
)

func TestPluginRequirements(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.pkr.hcl": `packer {
  required_plugins {
    docker = {
      source  = "github.com/hashicorp/docker"
      version = ">= 1.0.0"
    }
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1"
    }
  }
}`,
		"b.pkr.hcl": `packer {
  required_plugins {
    newdocker = {
      source  = "https://github.com/HashiCorp/docker"
      version = ">= 2"
    }
  }
}`,
	})
	reqs, _, diags := hcl2.PluginRequirements(context.Background(), dir, template.Options{Registry: components.Default()})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	type r struct {
		Accessor, Source, Constraint string
		Bundled, Satisfied           bool
	}
	var got []r
	for _, q := range reqs {
		got = append(got, r{q.Accessor, q.Source, q.Constraint, q.Bundled != nil, q.Satisfied})
	}
	want := []r{
		{"amazon", "github.com/hashicorp/amazon", "~> 1", false, false},
		{"docker", "github.com/hashicorp/docker", ">= 1.0.0", true, true},
		{"newdocker", "https://github.com/HashiCorp/docker", ">= 2", true, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if reqs[1].Range.Filename != filepath.Join(dir, "a.pkr.hcl") {
		t.Errorf("range %v", reqs[1].Range)
	}

	// Without the docker components, kiln does not provide the plugin.
	empty := &components.Registry{}
	reqs, _, _ = hcl2.PluginRequirements(context.Background(), dir, template.Options{Registry: empty})
	if reqs[1].Bundled != nil || len(hcl2.BundledPlugins(empty)) != 0 {
		t.Errorf("docker provided by an empty registry: %+v", reqs[1])
	}
}

func TestBundledPluginMeets(t *testing.T) {
	p, ok := hcl2.LookupBundledPlugin(components.Default(), "GITHUB.com/hashicorp/docker")
	if !ok {
		t.Fatal("docker plugin not bundled")
	}
	for c, want := range map[string]bool{"": true, ">= 1.0": true, "~> 1.1.0": true, "< 1.1": false} {
		if got, err := p.Meets(c); err != nil || got != want {
			t.Errorf("Meets(%q) = %v, %v", c, got, err)
		}
	}
	if _, err := p.Meets("not a version"); err == nil {
		t.Error("invalid constraint accepted")
	}
}
