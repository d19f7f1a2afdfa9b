package cmd_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/kilnbuild/kiln/internal/testenv"
)

// Local base images (scripts/build-test-images.sh) that stand in for the
// images the corpus templates ask for.
const (
	baseBusybox = "kiln-test/busybox:latest"
	baseDebian  = "kiln-test/debian:bookworm"
)

// corpusDockerCase is how one docker unit of the corpus is built: in which
// folder, with which arguments, from which local images. Every unit of
// EXPECTED.tsv whose builder_types include docker has one, so a unit added
// to the corpus fails the test until it is looked at.
type corpusDockerCase struct {
	// unit is the path in EXPECTED.tsv.
	unit string
	// skip, when set, says why the unit cannot be built here.
	skip string
	// dir is the working directory relative to the corpus (default: the
	// unit's folder): some repositories run their templates from above.
	dir string
	// args go between `build` and the target.
	args []string
	// images are the image names the template asks for, each made from
	// baseBusybox or baseDebian.
	images map[string]string
	// files are written into the copy before the build: inputs the corpus
	// leaves out (binaries, scripts only reached through a folder).
	files map[string]string
	// creates are the images (repo:tag) the build must leave behind.
	creates []string
	// outputs are the files the build must write, relative to dir.
	outputs []string
	// fail, when set, is a regexp the output of a build that must fail
	// matches (the template is broken for Packer too).
	fail string
}

// Skip reasons, shared by the units they concern (and listed in
// docs/compatibility.md).
const (
	skipAnsible    = "needs the ansible provisioner (a plugin kiln does not have, and ansible is not installed)"
	skipAnsibleLoc = "needs the ansible-local provisioner (a plugin kiln does not have) and ansible in the image"
	skipECR        = "pushes to AWS ECR (ecr_login: a cloud registry)"
	skipHCP        = "reads its base image from HCP Packer (hcp-packer-* data sources: a cloud service)"
	skipAmazonData = "needs the amazon plugin (amazon-ami data source, amazon-ebs source): AWS"
	skipVagrant    = "needs the vagrant and vagrant-cloud post-processors (Vagrant Cloud) and pushes to Docker Hub"
	skipApkNetwork = "runs `apk add` (Alpine packages from the network) and pushes to AWS ECR"
	skipManala     = "needs the ansible-local provisioner and scripts from a folder (manala_dir) the corpus does not have"
)

var corpusDockerCases = []corpusDockerCase{
	// 0dayInc/pwn runs these from packer/ (the scripts are provisioners/*.sh
	// there). Docker Hub is not reachable: -except leaves the push out.
	{unit: "0dayInc__pwn/packer/docker/kali_rolling_docker_pwn_prototyper.json", dir: "0dayInc__pwn/packer",
		args:    []string{"-except=docker-push"},
		images:  map[string]string{"kalilinux/kali-rolling:latest": baseDebian},
		creates: []string{"0dayinc/pwn_prototyper:latest"}},
	{unit: "0dayInc__pwn/packer/docker/kali_rolling_docker_pwn_fuzz_net_app_proto.json", dir: "0dayInc__pwn/packer",
		args:    []string{"-except=docker-push"},
		images:  map[string]string{"0dayinc/pwn_prototyper:latest": baseDebian},
		creates: []string{"0dayinc/pwn_fuzz_net_app_proto:latest"}},
	{unit: "0dayInc__pwn/packer/docker/kali_rolling_docker_pwn_sast.json", dir: "0dayInc__pwn/packer",
		args:    []string{"-except=docker-push"},
		images:  map[string]string{"0dayinc/pwn_prototyper:latest": baseDebian},
		creates: []string{"0dayinc/pwn_sast:latest"}},
	{unit: "0dayInc__pwn/packer/docker/kali_rolling_docker_pwn_transparent_browser.json", dir: "0dayInc__pwn/packer",
		args:    []string{"-except=docker-push"},
		images:  map[string]string{"0dayinc/pwn_prototyper:latest": baseDebian},
		creates: []string{"0dayinc/pwn_transparent_browser:latest"}},
	{unit: "0dayInc__pwn/packer/docker/kali_rolling_docker_pwn_www_checkip.json", dir: "0dayInc__pwn/packer",
		args:    []string{"-except=docker-push"},
		images:  map[string]string{"0dayinc/pwn_prototyper:latest": baseDebian},
		creates: []string{"0dayinc/pwn_www_checkip:latest"}},

	{unit: "CowDogMoo__warpgate/packer-templates/asdf/", skip: skipAnsible},
	{unit: "CowDogMoo__warpgate/packer-templates/atomic-red-team/", skip: skipAnsible},
	{unit: "CowDogMoo__warpgate/packer-templates/attack-box/", skip: skipAnsible},
	{unit: "CowDogMoo__warpgate/packer-templates/runzero-explorer/", skip: skipAnsible},
	{unit: "CowDogMoo__warpgate/packer-templates/sliver/", skip: skipAnsible},
	{unit: "CowDogMoo__warpgate/packer-templates/ttpforge/", skip: skipAnsible},

	// The hello-world binary is not in the corpus: a stand-in is.
	{unit: "JamesWoolfenden__learn-packer/examples/hello-world/packer-docker-hello-world.json",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		files:   map[string]string{"hello-world": "#!/bin/sh\necho hello world\n"},
		creates: []string{"hello-world:0.1"}},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-ansible-aws-ecr-shell.json", skip: skipAnsible + "; " + skipECR},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-ansible.json", skip: skipAnsible},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-aws-ecr-shell.json", skip: skipApkNetwork},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-aws-ecr.json", skip: skipECR},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-post/",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		creates: []string{"james:0.1"}},
	// BUILD_NUMBER is unset: the tag is empty, so the image is tagged "dave".
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-tag-empty.json",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		creates: []string{"dave:latest"}},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-ubuntu.json",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"export_image.tar"}},
	{unit: "JamesWoolfenden__learn-packer/examples/packer-docker-ubuntu/",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"export_image.tar"}},

	// The push goes to the test registry instead of $REGISTRY_URL.
	{unit: "Rabattkarte__learn-packer-hcp-golden-docker/2_packer_golden/",
		args:    []string{"-var", "registry_url=127.0.0.1:5055", "-var", "container_prefix=kiln-corpus"},
		images:  map[string]string{"ubuntu:jammy": baseDebian},
		creates: []string{"127.0.0.1:5055/kiln-corpus/ubuntu-basic-gold:latest"}},
	{unit: "Rabattkarte__learn-packer-hcp-golden-docker/3_packer_app1/", skip: skipHCP},

	{unit: "camilla-m__terraform-aulas-do-linuxtips/packer/example.pkr.hcl", skip: skipAnsible},
	{unit: "code-fabrik__hashipack/spec/docker.pkr.hcl",
		images: map[string]string{"ubuntu:latest": baseDebian}},
	{unit: "fluffy-cakes__devops_tools/tools.pkr.hcl",
		images:  map[string]string{"ubuntu:20.04": baseDebian},
		creates: []string{"elfreako/devtools:1.7.0", "elfreako/devtools:latest"}},

	// Only the docker build (the other is amazon-ebs); the script the
	// template uploads with its folder is not in the corpus: a stand-in is.
	{unit: "gruntwork-io__terratest/examples/packer-docker-example/build.json",
		args:    []string{"-only=ubuntu-docker"},
		images:  map[string]string{"gruntwork/ubuntu-test:22.04": baseDebian},
		files:   map[string]string{"configure-sinatra-app.sh": "#!/bin/sh\necho configured\n"},
		creates: []string{"gruntwork/packer-docker-example:latest"}},
	{unit: "gruntwork-io__terratest/examples/packer-docker-example/build.pkr.hcl", skip: skipAmazonData},
	{unit: "gruntwork-io__terratest/examples/packer-hello-world-example/build.pkr.hcl",
		images:  map[string]string{"gruntwork/ubuntu-test:16.04": baseDebian},
		creates: []string{"gruntwork/packer-hello-world-example:latest"}},

	{unit: "hashicorp__learn-packer-getting-started/example-parallel.pkr.hcl",
		images: map[string]string{"ubuntu:xenial": baseDebian, "ubuntu:bionic": baseDebian}},
	{unit: "hashicorp__learn-packer-getting-started/example-post-processors.pkr.hcl", skip: skipVagrant},
	{unit: "hashicorp__learn-packer-getting-started/example-variables.pkr.hcl",
		images: map[string]string{"ubuntu:xenial": baseDebian}},
	{unit: "hashicorp__learn-packer-getting-started/example.pkr.hcl",
		images: map[string]string{"ubuntu:xenial": baseDebian}},

	{unit: "hashicorp__packer-plugin-ansible/example/docker-ansible-local.pkr.hcl", skip: skipAnsibleLoc},
	{unit: "hashicorp__packer-plugin-ansible/example/docker.json.pkr.hcl", skip: skipAnsible},
	{unit: "hashicorp__packer-plugin-ansible/provisioner/ansible-local/test-fixtures/docker_playbookdir_template.pkr.hcl", skip: skipAnsibleLoc},
	{unit: "hashicorp__packer-plugin-ansible/provisioner/ansible-local/test-fixtures/docker_playbookfiles_template.pkr.hcl", skip: skipAnsibleLoc},
	{unit: "hashicorp__packer-plugin-ansible/provisioner/ansible/test-fixtures/docker_playbookfile_template.pkr.hcl", skip: skipAnsible},

	// The docker plugin's own test templates, run from builder/docker as
	// its tests run them.
	{unit: "hashicorp__packer-plugin-docker/builder/docker/_acc_templates/dockerBuildTemplate/template.pkr.hcl",
		dir:    "hashicorp__packer-plugin-docker/builder/docker",
		images: map[string]string{"alpine:latest": baseBusybox}},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/_acc_templates/simpleDockerTemplate/template.pkr.hcl",
		images: map[string]string{"alpine:latest": baseBusybox}},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/fix_upload_owner.json",
		dir:    "hashicorp__packer-plugin-docker/builder/docker",
		images: map[string]string{"ubuntu:latest": baseDebian}},
	// Broken for Packer too: inline must be a list in HCL2.
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/fix_upload_owner.pkr.hcl",
		dir:  "hashicorp__packer-plugin-docker/builder/docker",
		fail: `Failed preparing provisioner-block "shell"`},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/large_download.json",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"cupcake", "bigcake"}},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/large_download.pkr.hcl",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"cupcake", "bigcake"}},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/large_upload.json",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"cupcake", "bigcake"}},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/upload_download.json",
		dir:     "hashicorp__packer-plugin-docker/builder/docker",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"my-strawberry-cake"}},
	{unit: "hashicorp__packer-plugin-docker/builder/docker/test-fixtures/upload_download.pkr.hcl",
		dir:     "hashicorp__packer-plugin-docker/builder/docker",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		outputs: []string{"my-strawberry-cake"}},

	{unit: "manala__packer-templates/app-dev-debian.2/template.json", skip: skipManala},
	{unit: "manala__packer-templates/app-dev-debian.3/template.json", skip: skipManala},
	{unit: "manala__packer-templates/app-dev-debian.4/template.json", skip: skipManala},

	{unit: "ochi-tama__packer-test/docker-tutorial/",
		images:  map[string]string{"ubuntu:jammy": baseDebian},
		creates: []string{"learn-ubuntu:latest"}},

	// simple1 makes simple1:latest, the base of simple1-redux (Packer's
	// "chaining"): the order matters.
	{unit: "pfuntner__bruno-packer/simple1/simple1.pkr.hcl",
		images:  map[string]string{"ubuntu:latest": baseDebian},
		creates: []string{"simple1:latest"}},
	{unit: "pfuntner__bruno-packer/simple1/simple1-redux.pkr.hcl",
		creates: []string{"simple1:redux"}},
	{unit: "pfuntner__bruno-packer/simple2/simple2.pkr.hcl", skip: skipAnsible},

	{unit: "unknowntpo__playground-2022/packer/docker/docker-ubuntu.pkr.hcl",
		images:  map[string]string{"ubuntu:xenial": baseDebian},
		creates: []string{"unknowntpo/docker-example:0.6"}},
	{unit: "uwardlaw__vater/dev/packer-test/docker-ubuntu.pkr.hcl",
		images: map[string]string{"ubuntu:xenial": baseDebian}},
}

// TestCorpusDockerBuilds builds every docker template of the corpus whose
// base image can be made locally, with the real kiln binary, against the
// Docker engine. Pulls go through a proxy of the Engine API that answers a
// pull of an image the test has made locally as the registry would (the
// machine reaches no registry); everything else reaches the engine as is.
func TestCorpusDockerBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds real images (-short)")
	}
	corpus := testenv.Corpus(t)
	testenv.RequireDocker(t)
	kiln, err := exec.LookPath("kiln")
	if err != nil {
		t.Fatalf("the kiln test binary is not on PATH: %v", err)
	}

	// Every docker unit of the corpus has a case, and no case is stale.
	units := dockerUnits(t, corpus)
	byUnit := map[string]bool{}
	for _, c := range corpusDockerCases {
		if byUnit[c.unit] {
			t.Errorf("unit %s has two cases", c.unit)
		}
		byUnit[c.unit] = true
		if !slices.Contains(units, c.unit) {
			t.Errorf("case for %s, which is not a docker unit of EXPECTED.tsv", c.unit)
		}
	}
	for _, u := range units {
		if !byUnit[u] {
			t.Errorf("docker unit %s has no case in corpusDockerCases: decide how it builds (or why it cannot)", u)
		}
	}

	ctx := context.Background()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	bases := map[string]bool{}
	for _, b := range []string{baseBusybox, baseDebian} {
		if _, err := cli.ImageInspect(ctx, b); err == nil {
			bases[b] = true
		} else if testenv.InCI() {
			t.Fatalf("%s missing in CI: scripts/ci-setup.sh builds it: %v", b, err)
		}
	}
	proxy := startPullProxy(t, cli)

	// Every image the test retags is untagged at the end (one it did
	// not make is left alone).
	retagged := map[string]bool{}
	t.Cleanup(func() {
		for ref := range retagged {
			if _, err := cli.ImageRemove(context.Background(), ref, image.RemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
				t.Errorf("untag %s: %v", ref, err)
			}
		}
	})

	// The images the builds make are removed at the end: tags first, then
	// the images, the last made first (one may be the base of a later one).
	var tags, ids []string
	t.Cleanup(func() {
		slices.Reverse(ids)
		for _, ref := range append(tags, ids...) {
			_, err := cli.ImageRemove(context.Background(), ref, image.RemoveOptions{PruneChildren: true})
			if err != nil && !cerrdefs.IsNotFound(err) {
				t.Errorf("remove %s: %v", ref, err)
			}
		}
	})
	remove := func(refs ...string) {
		for _, r := range refs {
			switch {
			case !strings.HasPrefix(r, "sha256:"):
				tags = append(tags, r)
			case !slices.Contains(ids, r):
				ids = append(ids, r)
			}
		}
	}

	registryUp := registryAnswers()
	for _, c := range corpusDockerCases {
		t.Run(strings.TrimSuffix(c.unit, "/"), func(t *testing.T) {
			if c.skip != "" {
				t.Skip(c.skip)
			}
			for ref, base := range c.images {
				if !bases[base] {
					testenv.SkipUnprepared(t, "%s missing: scripts/build-test-images.sh (KILN_TEST_DEBIAN=1 for Debian) builds it", base)
				}
				if err := retag(ctx, cli, base, ref, retagged); err != nil {
					t.Fatal(err)
				}
			}
			for _, ref := range c.creates {
				if strings.HasPrefix(ref, "127.0.0.1:5055/") && !registryUp {
					if testenv.InCI() {
						t.Fatal("the test registry on 127.0.0.1:5055 does not answer (scripts/start-test-registry.sh)")
					}
					testenv.SkipUnprepared(t, "the test registry on 127.0.0.1:5055 does not answer: scripts/start-test-registry.sh")
				}
			}
			runCorpusDockerCase(t, ctx, cli, kiln, corpus, proxy, c, remove)
		})
	}
}

// runCorpusDockerCase copies the case's folder, builds the unit in it and
// checks the result; images it made are removed at the end.
func runCorpusDockerCase(t *testing.T, ctx context.Context, cli *client.Client, kiln, corpus, proxy string, c corpusDockerCase, remove func(...string)) {
	dir := c.dir
	if dir == "" {
		dir = strings.TrimSuffix(c.unit, "/")
		if !strings.HasSuffix(c.unit, "/") {
			dir = filepath.Dir(c.unit)
		}
	}
	// The target, relative to dir: the file, or the folder ("." for the
	// folder itself).
	target, err := filepath.Rel(dir, strings.TrimSuffix(c.unit, "/"))
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := copyTree(filepath.Join(corpus, dir), work); err != nil {
		t.Fatal(err)
	}
	for name, content := range c.files {
		p := filepath.Join(work, filepath.Dir(target), name)
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// The tags the build adds to the repositories it tags are removed
	// at the end (docker-tag may add more than creates names, such as a
	// timestamp); tags that were there before are left alone.
	repos := map[string]bool{}
	for _, ref := range c.creates {
		repos[repoOf(ref)] = true
	}
	before := map[string]bool{}
	for repo := range repos {
		for _, tag := range localTags(ctx, cli, repo) {
			before[tag] = true
		}
	}
	defer func() {
		for repo := range repos {
			for _, tag := range localTags(ctx, cli, repo) {
				if !before[tag] {
					remove(tag)
				}
			}
			if strings.HasPrefix(repo, "127.0.0.1:5055/") {
				t.Cleanup(func() { deleteRegistryRepo(t, strings.TrimPrefix(repo, "127.0.0.1:5055/")) })
			}
		}
	}()

	args := append([]string{"-machine-readable", "build"}, c.args...)
	args = append(args, target)
	var out bytes.Buffer
	build := func() error {
		out.Reset()
		cmd := exec.CommandContext(ctx, kiln, args...)
		cmd.Dir = work
		cmd.Env = append(cleanEnv(), "DOCKER_HOST="+proxy, "CHECKPOINT_DISABLE=1", "PACKER_TMP_DIR="+t.TempDir())
		cmd.Stdout, cmd.Stderr = &out, &out
		return cmd.Run()
	}
	start := time.Now()
	err = build()
	t.Logf("kiln %s (in %s): %v after %v", strings.Join(args, " "), dir, err, time.Since(start).Round(time.Millisecond))
	if err != nil && strings.Contains(out.String(), "read engine progress: unexpected EOF") {
		// The test's pull proxy (startPullProxy) has been seen, once,
		// to drop its connection to the engine in the middle of a push
		// stream while other packages' tests loaded the engine. That is
		// this test's own plumbing, not kiln: build once more.
		t.Logf("the engine's progress stream was cut; building again:\n%s", readable(out.String()))
		err = build()
	}
	if os.Getenv("KILN_CORPUS_LOG") != "" {
		t.Log(readable(out.String()))
	}

	// Whatever happened, the images the build made go away (at the end:
	// one build's image may be the next one's base).
	remove(append(slices.Clone(c.creates), artifactImages(out.String())...)...)

	if c.fail != "" {
		if err == nil {
			t.Fatalf("the build succeeded; Packer rejects this template too (%s)\n%s", c.fail, readable(out.String()))
		}
		if !regexp.MustCompile(c.fail).MatchString(out.String()) {
			t.Fatalf("the build failed without %q:\n%s", c.fail, readable(out.String()))
		}
		return
	}
	if err != nil {
		t.Fatalf("kiln build failed: %v\n%s", err, readable(out.String()))
	}
	for _, ref := range c.creates {
		if _, err := cli.ImageInspect(ctx, ref); err != nil {
			t.Errorf("image %s was not made: %v", ref, err)
		}
	}
	for _, f := range c.outputs {
		if fi, err := os.Stat(filepath.Join(work, f)); err != nil || fi.Size() == 0 {
			t.Errorf("output %s: %v (want a non-empty file)", f, err)
		}
	}
}

// repoOf returns the repository of an image reference (without the tag).
func repoOf(ref string) string {
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		return ref[:i]
	}
	return ref
}

// localTags returns the repo:tag references of the local images of repo.
func localTags(ctx context.Context, cli *client.Client, repo string) []string {
	imgs, err := cli.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("reference", repo))})
	if err != nil {
		return nil
	}
	var tags []string
	for _, img := range imgs {
		for _, t := range img.RepoTags {
			if repoOf(t) == repo {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// deleteRegistryRepo deletes every tag of repo from the test registry.
func deleteRegistryRepo(t *testing.T, repo string) {
	c := http.Client{Timeout: 10 * time.Second}
	base := "http://127.0.0.1:5055/v2/" + repo
	resp, err := c.Get(base + "/tags/list")
	if err != nil {
		t.Logf("registry cleanup of %s: %v", repo, err)
		return
	}
	var list struct{ Tags []string }
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil {
		return
	}
	for _, tag := range list.Tags {
		req, _ := http.NewRequest(http.MethodHead, base+"/manifests/"+tag, nil)
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json")
		resp, err := c.Do(req)
		if err != nil {
			continue
		}
		resp.Body.Close()
		if digest := resp.Header.Get("Docker-Content-Digest"); digest != "" {
			req, _ := http.NewRequest(http.MethodDelete, base+"/manifests/"+digest, nil)
			if resp, err := c.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}
}

// dockerUnits returns the units of EXPECTED.tsv whose builder types
// include docker.
func dockerUnits(t *testing.T, corpus string) []string {
	f, err := os.Open(filepath.Join(corpus, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var cols []string
	var units []string
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if cols == nil {
			cols = fields
			continue
		}
		i := slices.Index(cols, "builder_types")
		if i < 0 || i >= len(fields) {
			t.Fatalf("EXPECTED.tsv: no builder_types column")
		}
		if slices.Contains(strings.Split(fields[i], ","), "docker") {
			units = append(units, fields[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return units
}

// retag tags base as ref unless ref exists already (then it is used as it
// is), recording the tags it added.
func retag(ctx context.Context, cli *client.Client, base, ref string, added map[string]bool) error {
	if added[ref] {
		return nil
	}
	if _, err := cli.ImageInspect(ctx, ref); err == nil {
		return nil
	}
	if err := cli.ImageTag(ctx, base, ref); err != nil {
		return fmt.Errorf("tag %s as %s: %w", base, ref, err)
	}
	added[ref] = true
	return nil
}

// artifactImages returns the image ids and references of the docker
// artifacts in machine-readable output.
func artifactImages(out string) []string {
	var refs []string
	re := regexp.MustCompile(`(?m)^\d+,[^,]*,artifact,\d+,id,(.+)$`)
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		if id := m[1]; id != "Container" && id != "" {
			refs = append(refs, id)
		}
	}
	return refs
}

// readable turns machine-readable output back into lines to read.
func readable(out string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(out, "\n") {
		f := strings.SplitN(line, ",", 5)
		if len(f) == 5 && f[2] == "ui" {
			line = f[1] + ": " + strings.NewReplacer("%!(PACKER_COMMA)", ",", `\n`, "\n", `\r`, "").Replace(f[4])
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// cleanEnv is the environment without what the corpus templates read to
// reach the outside (registry credentials, build numbers).
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "DOCKER_HOST", k == "BUILD_NUMBER", strings.HasPrefix(k, "REGISTRY_"),
			strings.HasPrefix(k, "DOCKER_HUB_"), strings.HasPrefix(k, "AWS_"), strings.HasPrefix(k, "HCP_"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

func registryAnswers() bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://127.0.0.1:5055/v2/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// copyTree copies the folder src to dst, writable.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case de.IsDir():
			return os.MkdirAll(out, 0o755)
		case de.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, out)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		fi, err := in.Stat()
		if err != nil {
			return err
		}
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm()|0o200)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, in)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// startPullProxy serves the Engine API on 127.0.0.1 and passes every
// request to the engine, except two the machine cannot serve without a
// registry: a pull of an image that exists locally is answered as the
// registry would answer it (up to date), and an image build does not ask
// to pull its base. It returns the DOCKER_HOST for kiln.
func startPullProxy(t *testing.T, cli *client.Client) string {
	engineHost := cli.DaemonHost()
	network, addr := "unix", "/var/run/docker.sock"
	if h, ok := strings.CutPrefix(engineHost, "unix://"); ok {
		addr = h
	} else if h, ok := strings.CutPrefix(engineHost, "tcp://"); ok {
		network, addr = "tcp", h
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme = "http"
			r.Out.URL.Host = "docker"
			if strings.HasSuffix(r.In.URL.Path, "/build") {
				q := r.Out.URL.Query()
				q.Del("pull")
				r.Out.URL.RawQuery = q.Encode()
			}
		},
		Transport:     tr,
		FlushInterval: -1,
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/images/create") {
			q := r.URL.Query()
			if name := q.Get("fromImage"); name != "" {
				ref := name
				if tag := q.Get("tag"); tag != "" {
					ref += ":" + tag
				}
				if _, err := cli.ImageInspect(r.Context(), ref); err == nil {
					w.Header().Set("Content-Type", "application/json")
					fmt.Fprintf(w, "{\"status\":\"Status: Image is up to date for %s\"}\n", ref)
					return
				}
			}
		}
		rp.ServeHTTP(w, r)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "tcp://" + l.Addr().String()
}
