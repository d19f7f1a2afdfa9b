// Package manifest is the manifest post-processor: it appends a record of
// each build's artifact (name, type, time, files, id, custom data) to a
// JSON file shared by all the builds of a run, and passes the artifact on
// unchanged.
package manifest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/kilnbuild/kiln/internal/compconfig"
	"github.com/kilnbuild/kiln/postprocessor/internal/generated"
	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/sdk/config"
	"github.com/kilnbuild/kiln/sdk/interpolate"
)

// BuilderID is Packer's id for manifest artifacts; the post-processor
// returns its input, so it is never seen on an artifact.
const BuilderID = "packer.post-processor.manifest"

// DefaultOutput is the manifest file written when output is not set.
const DefaultOutput = "packer-manifest.json"

// Config is the manifest post-processor's configuration.
type Config struct {
	sdk.PackerConfig `mapstructure:",squash"`
	// OutputPath is the manifest file.
	OutputPath string `mapstructure:"output"`
	// StripPath records only the base name of each file.
	StripPath bool `mapstructure:"strip_path"`
	// StripTime leaves build_time out.
	StripTime bool `mapstructure:"strip_time"`
	// CustomData is recorded with the build, each value rendered with the
	// artifact's generated data.
	CustomData map[string]string `mapstructure:"custom_data"`
}

// File is the manifest record of one artifact file.
type File struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// Build is the manifest record of one build.
type Build struct {
	BuildName     string            `json:"name"`
	BuilderType   string            `json:"builder_type"`
	BuildTime     int64             `json:"build_time,omitempty"`
	Files         []File            `json:"files"`
	ArtifactID    string            `json:"artifact_id"`
	PackerRunUUID string            `json:"packer_run_uuid"`
	CustomData    map[string]string `json:"custom_data"`
}

// Manifest is the whole file.
type Manifest struct {
	Builds      []Build `json:"builds"`
	LastRunUUID string  `json:"last_run_uuid"`
}

// PostProcessor is the manifest post-processor.
type PostProcessor struct {
	config Config
	ictx   *interpolate.Context
	// now is the clock for build_time (tests set it).
	now func() time.Time
}

var _ sdk.PostProcessor = (*PostProcessor)(nil)

// ConfigSpec implements sdk.PostProcessor.
func (p *PostProcessor) ConfigSpec() hcldec.ObjectSpec { return config.Spec(&Config{}) }

// Configure implements sdk.PostProcessor.
func (p *PostProcessor) Configure(raws ...any) error {
	var c Config
	ictx, err := compconfig.Decode(&c, []string{"custom_data"}, raws...)
	if err != nil {
		return err
	}
	if c.OutputPath == "" {
		c.OutputPath = DefaultOutput
	}
	p.config = c
	p.ictx = ictx
	return nil
}

func (p *PostProcessor) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

// writeMu serialises the builds of one kiln process writing manifests;
// the lock file guards against other processes, as in Packer.
var writeMu sync.Mutex

// PostProcess implements sdk.PostProcessor: it returns its input, to be
// kept.
func (p *PostProcessor) PostProcess(ctx context.Context, ui sdk.Ui, source sdk.Artifact) (sdk.Artifact, bool, bool, error) {
	ictx := *p.ictx
	ictx.Data = generated.Data(source)
	var custom map[string]string
	if p.config.CustomData != nil {
		custom = make(map[string]string, len(p.config.CustomData))
		for k, v := range p.config.CustomData {
			r, err := interpolate.Render(v, &ictx)
			if err != nil {
				return source, true, true, fmt.Errorf("render custom_data %q: %w", k, err)
			}
			custom[k] = r
		}
	}

	b := Build{
		BuildName:     p.config.PackerBuildName,
		BuilderType:   p.config.PackerBuilderType,
		BuildTime:     p.clock().Unix(),
		ArtifactID:    source.Id(),
		PackerRunUUID: os.Getenv("PACKER_RUN_UUID"),
		CustomData:    custom,
	}
	if p.config.StripTime {
		b.BuildTime = 0
	}
	for _, name := range source.Files() {
		f := File{Name: name}
		if fi, err := os.Stat(name); err == nil {
			f.Size = fi.Size()
		}
		if p.config.StripPath {
			f.Name = filepath.Base(name)
		}
		b.Files = append(b.Files, f)
	}

	writeMu.Lock()
	defer writeMu.Unlock()
	if err := appendBuild(ctx, p.config.OutputPath, b, p.config.PackerForce); err != nil {
		return source, true, true, err
	}
	return source, true, true, nil
}

// appendBuild adds b to the manifest at path. With force, a manifest
// written by another run (another PACKER_RUN_UUID) is started afresh.
func appendBuild(ctx context.Context, path string, b Build, force bool) error {
	lock := path + ".lock"
	for i := range 3 {
		select {
		case <-time.After(time.Duration(i) * 200 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL, 0o664)
		if err == nil {
			f.Close()
			defer os.Remove(lock)
			break
		}
		// As Packer, go on unlocked after three tries.
	}

	m := &Manifest{}
	contents, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("open %s for reading: %w", path, err)
	}
	if len(contents) > 0 {
		if err := json.Unmarshal(contents, m); err != nil {
			return fmt.Errorf("parse content from %s: %w", path, err)
		}
	}
	runUUID := os.Getenv("PACKER_RUN_UUID")
	if force && runUUID != m.LastRunUUID {
		m = &Manifest{}
	}
	m.Builds = append(m.Builds, b)
	m.LastRunUUID = runUUID
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("marshal manifest: %w", err)
	}
	if err := os.WriteFile(path, out, 0o664); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
