package docker

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// EngineDriver is the Driver over the Docker Engine API. It is safe for
// concurrent use.
type EngineDriver struct {
	c *client.Client
}

var _ Driver = (*EngineDriver)(nil)

var (
	sharedOnce sync.Once
	shared     *EngineDriver
	sharedErr  error
)

// NewEngineDriver connects to the engine named by the environment
// (DOCKER_HOST, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY; the local socket by
// default). The API version is negotiated with the engine on first use, so
// engines from API 1.24 on work. Builds in one process share one client.
func NewEngineDriver() (*EngineDriver, error) {
	sharedOnce.Do(func() {
		c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation(), withStreamBuffers)
		if err != nil {
			sharedErr = fmt.Errorf("docker engine client: %w", err)
			return
		}
		shared = &EngineDriver{c: c}
	})
	return shared, sharedErr
}

// streamBufferSize is the size of the buffers between the engine
// connection and the HTTP transport. net/http sends a request body of
// unknown length (an upload's tar stream) in chunks of 32 KiB, each chunk
// followed by a flush: with the default 4 KiB write buffer a chunk leaves
// in three writes (the buffer's worth, the rest, the chunk's trailing
// CRLF), each one waking the engine; with room for a whole chunk it leaves
// in one. On the way back, a 64 KiB read buffer takes a response's 32 KiB
// chunks (an export, a download) in about one read each, not two.
const streamBufferSize = 64 << 10

// withStreamBuffers is a client option that sizes the transport's
// connection buffers (streamBufferSize). It runs after the options that
// set the transport up (FromEnv) and before the client wraps the
// transport; a transport it does not know is left as it is.
func withStreamBuffers(c *client.Client) error {
	if tr, ok := c.HTTPClient().Transport.(*http.Transport); ok {
		tr.WriteBufferSize = streamBufferSize
		tr.ReadBufferSize = streamBufferSize
	}
	return nil
}

// notFound marks errors the engine reports as missing objects.
func notFound(err error) error {
	if err != nil && cerrdefs.IsNotFound(err) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func encodeAuth(auth *RegistryAuth) (string, error) {
	if auth == nil {
		return "", nil
	}
	return registry.EncodeAuthConfig(registry.AuthConfig{
		Username:      auth.Username,
		Password:      auth.Password,
		ServerAddress: auth.Server,
	})
}

// jsonMessage is one line of the engine's progress streams (pull, push,
// build, import).
type jsonMessage struct {
	ID          string                    `json:"id"`
	Status      string                    `json:"status"`
	Stream      string                    `json:"stream"`
	Error       string                    `json:"error"`
	ErrorDetail *struct{ Message string } `json:"errorDetail"`
	Aux         json.RawMessage           `json:"aux"`
}

// readMessages reads a progress stream to its end, reporting each status
// change (not each progress tick) to progress, and returns the first error
// the stream carries. aux, when set, receives each aux payload.
func readMessages(r io.Reader, progress func(string), aux func(json.RawMessage)) error {
	dec := json.NewDecoder(r)
	last := map[string]string{}
	for {
		var m jsonMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read engine progress: %w", err)
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return errors.New(m.ErrorDetail.Message)
		}
		if m.Error != "" {
			return errors.New(m.Error)
		}
		if len(m.Aux) > 0 && aux != nil {
			aux(m.Aux)
		}
		if progress == nil {
			continue
		}
		if s := strings.TrimRight(m.Stream, "\n"); s != "" {
			progress(s)
		}
		if m.Status != "" && last[m.ID] != m.Status {
			last[m.ID] = m.Status
			if m.ID != "" {
				progress(m.ID + ": " + m.Status)
			} else {
				progress(m.Status)
			}
		}
	}
}

// PullImage implements Driver.
func (d *EngineDriver) PullImage(ctx context.Context, ref, platform string, auth *RegistryAuth, progress func(string)) error {
	enc, err := encodeAuth(auth)
	if err != nil {
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	rc, err := d.c.ImagePull(ctx, ref, image.PullOptions{RegistryAuth: enc, Platform: platform})
	if err != nil {
		return fmt.Errorf("pull %s: %w", ref, notFound(err))
	}
	defer rc.Close()
	if err := readMessages(rc, progress, nil); err != nil {
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	return nil
}

// BuildImage implements Driver. The context directory is streamed to the
// engine as a tar archive; a Dockerfile outside it is added to the stream.
func (d *EngineDriver) BuildImage(ctx context.Context, spec BuildSpec, progress func(string)) (string, error) {
	ctxDir, err := filepath.Abs(spec.ContextDir)
	if err != nil {
		return "", fmt.Errorf("build context %s: %w", spec.ContextDir, err)
	}
	dockerfile, err := filepath.Abs(spec.Dockerfile)
	if err != nil {
		return "", fmt.Errorf("dockerfile %s: %w", spec.Dockerfile, err)
	}
	name, err := filepath.Rel(ctxDir, dockerfile)
	extra := ""
	if err != nil || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
		name = ".kiln.Dockerfile"
		extra = dockerfile
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeBuildContext(pw, ctxDir, extra, name))
	}()
	defer pr.Close()
	args := make(map[string]*string, len(spec.BuildArgs))
	for k, v := range spec.BuildArgs {
		args[k] = &v
	}
	resp, err := d.c.ImageBuild(ctx, pr, build.ImageBuildOptions{
		Dockerfile:  filepath.ToSlash(name),
		BuildArgs:   args,
		PullParent:  spec.Pull,
		Platform:    spec.Platform,
		Tags:        spec.Tags,
		Remove:      true,
		ForceRemove: true,
	})
	if err != nil {
		return "", fmt.Errorf("build %s: %w", spec.Dockerfile, err)
	}
	defer resp.Body.Close()
	var id string
	err = readMessages(resp.Body, progress, func(raw json.RawMessage) {
		var a struct{ ID string }
		if json.Unmarshal(raw, &a) == nil && a.ID != "" {
			id = a.ID
		}
	})
	if err != nil {
		return "", fmt.Errorf("build %s: %w", spec.Dockerfile, err)
	}
	if id == "" {
		return "", fmt.Errorf("build %s: the engine reported no image id", spec.Dockerfile)
	}
	return id, nil
}

// writeBuildContext writes dir as a tar stream to w, plus the file extra
// under name when extra is set.
func writeBuildContext(w io.Writer, dir, extra, name string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		return addTarEntry(tw, p, filepath.ToSlash(rel), 0, 0, false)
	})
	if err != nil {
		return err
	}
	if extra != "" {
		if err := addTarEntry(tw, extra, name, 0, 0, false); err != nil {
			return err
		}
	}
	return tw.Close()
}

// InspectImage implements Driver.
func (d *EngineDriver) InspectImage(ctx context.Context, ref string) (ImageInfo, error) {
	ii, err := d.c.ImageInspect(ctx, ref)
	if err != nil {
		return ImageInfo{}, fmt.Errorf("inspect image %s: %w", ref, notFound(err))
	}
	info := ImageInfo{
		ID:           ii.ID,
		RepoTags:     ii.RepoTags,
		RepoDigests:  ii.RepoDigests,
		Author:       ii.Author,
		Comment:      ii.Comment,
		Os:           ii.Os,
		Architecture: ii.Architecture,
		Size:         ii.Size,
	}
	if c := ii.Config; c != nil {
		info.Cmd = c.Cmd
		info.Entrypoint = c.Entrypoint
		info.Env = c.Env
		info.User = c.User
		info.WorkingDir = c.WorkingDir
		info.Labels = c.Labels
	}
	return info, nil
}

// RemoveImage implements Driver.
func (d *EngineDriver) RemoveImage(ctx context.Context, ref string, force bool) error {
	if _, err := d.c.ImageRemove(ctx, ref, image.RemoveOptions{Force: force, PruneChildren: true}); err != nil {
		return fmt.Errorf("remove image %s: %w", ref, notFound(err))
	}
	return nil
}

// TagImage implements Driver.
func (d *EngineDriver) TagImage(ctx context.Context, src, target string) error {
	if err := d.c.ImageTag(ctx, src, target); err != nil {
		return fmt.Errorf("tag %s as %s: %w", src, target, notFound(err))
	}
	return nil
}

// ImportImage implements Driver.
func (d *EngineDriver) ImportImage(ctx context.Context, r io.Reader, ref string, changes []string, platform, message string) (string, error) {
	rc, err := d.c.ImageImport(ctx, image.ImportSource{Source: r, SourceName: "-"}, ref, image.ImportOptions{
		Changes:  changes,
		Platform: platform,
		Message:  message,
	})
	if err != nil {
		return "", fmt.Errorf("import image %s: %w", ref, err)
	}
	defer rc.Close()
	var id string
	err = readMessages(rc, func(s string) {
		if strings.HasPrefix(s, "sha256:") {
			id = s
		}
	}, nil)
	if err != nil {
		return "", fmt.Errorf("import image %s: %w", ref, err)
	}
	if id == "" {
		return "", fmt.Errorf("import image %s: the engine reported no image id", ref)
	}
	return id, nil
}

// SaveImage implements Driver.
func (d *EngineDriver) SaveImage(ctx context.Context, refs []string, w io.Writer) error {
	rc, err := d.c.ImageSave(ctx, refs)
	if err != nil {
		return fmt.Errorf("save %s: %w", strings.Join(refs, " "), notFound(err))
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("save %s: %w", strings.Join(refs, " "), err)
	}
	return nil
}

// PushImage implements Driver.
func (d *EngineDriver) PushImage(ctx context.Context, ref string, auth *RegistryAuth, progress func(string)) (string, error) {
	enc, err := encodeAuth(auth)
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	if enc == "" {
		// The engine insists on an X-Registry-Auth header for pushes;
		// an empty credential set means anonymous.
		enc, _ = encodeAuth(&RegistryAuth{})
	}
	rc, err := d.c.ImagePush(ctx, ref, image.PushOptions{RegistryAuth: enc})
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, notFound(err))
	}
	defer rc.Close()
	var digest string
	err = readMessages(rc, progress, func(raw json.RawMessage) {
		var a struct{ Digest string }
		if json.Unmarshal(raw, &a) == nil && a.Digest != "" {
			digest = a.Digest
		}
	})
	if err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	return digest, nil
}

// Login implements Driver.
func (d *EngineDriver) Login(ctx context.Context, auth RegistryAuth) error {
	_, err := d.c.RegistryLogin(ctx, registry.AuthConfig{
		Username:      auth.Username,
		Password:      auth.Password,
		ServerAddress: auth.Server,
	})
	if err != nil {
		return fmt.Errorf("log in to %s: %w", serverName(auth.Server), err)
	}
	return nil
}

func serverName(s string) string {
	if s == "" {
		return "the default registry"
	}
	return s
}

// CreateContainer implements Driver.
func (d *EngineDriver) CreateContainer(ctx context.Context, spec ContainerSpec) (string, error) {
	cfg := &container.Config{
		Image:      spec.Image,
		Cmd:        spec.Cmd,
		Env:        spec.Env,
		User:       spec.User,
		WorkingDir: spec.WorkingDir,
		Hostname:   spec.Hostname,
		Tty:        spec.Tty,
		OpenStdin:  spec.OpenStdin,
		StdinOnce:  false,
		Labels:     spec.Labels,
		StopSignal: spec.StopSignal,
	}
	if spec.EntrypointSet || len(spec.Entrypoint) > 0 {
		cfg.Entrypoint = spec.Entrypoint
		if cfg.Entrypoint == nil {
			cfg.Entrypoint = []string{""}
		}
	}
	hc := &container.HostConfig{
		Binds:          spec.Binds,
		Tmpfs:          spec.Tmpfs,
		CapAdd:         spec.CapAdd,
		CapDrop:        spec.CapDrop,
		Privileged:     spec.Privileged,
		Runtime:        spec.Runtime,
		NetworkMode:    container.NetworkMode(spec.NetworkMode),
		AutoRemove:     spec.AutoRemove,
		Init:           spec.Init,
		SecurityOpt:    spec.SecurityOpt,
		ExtraHosts:     spec.ExtraHosts,
		DNS:            spec.DNS,
		ShmSize:        spec.ShmSize,
		IpcMode:        container.IpcMode(spec.IpcMode),
		PidMode:        container.PidMode(spec.PidMode),
		CgroupnsMode:   container.CgroupnsMode(spec.CgroupnsMode),
		ReadonlyRootfs: spec.ReadOnly,
		GroupAdd:       spec.GroupAdd,
		Sysctls:        spec.Sysctls,
	}
	hc.Memory = spec.Memory
	hc.NanoCPUs = spec.NanoCPUs
	for _, dm := range spec.Devices {
		hc.Devices = append(hc.Devices, container.DeviceMapping{
			PathOnHost:        dm.PathOnHost,
			PathInContainer:   dm.PathInContainer,
			CgroupPermissions: dm.CgroupPermissions,
		})
	}
	var plat *ocispec.Platform
	if spec.Platform != "" {
		p, err := parsePlatform(spec.Platform)
		if err != nil {
			return "", fmt.Errorf("create container: %w", err)
		}
		plat = &p
	}
	resp, err := d.c.ContainerCreate(ctx, cfg, hc, nil, plat, spec.Name)
	if err != nil {
		return "", fmt.Errorf("create container from %s: %w", spec.Image, notFound(err))
	}
	return resp.ID, nil
}

// parsePlatform reads "os[/arch[/variant]]".
func parsePlatform(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || parts[0] == "" {
		return ocispec.Platform{}, fmt.Errorf("invalid platform %q: want os[/arch[/variant]]", s)
	}
	p := ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p, nil
}

// StartContainer implements Driver.
func (d *EngineDriver) StartContainer(ctx context.Context, id string) error {
	if err := d.c.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return fmt.Errorf("start container %s: %w", id, err)
	}
	return nil
}

// InspectContainer implements Driver.
func (d *EngineDriver) InspectContainer(ctx context.Context, id string) (ContainerInfo, error) {
	ci, err := d.c.ContainerInspect(ctx, id)
	if err != nil {
		return ContainerInfo{}, fmt.Errorf("inspect container %s: %w", id, notFound(err))
	}
	info := ContainerInfo{ID: ci.ID, Name: strings.TrimPrefix(ci.Name, "/"), Image: ci.Image}
	if ci.Config != nil {
		info.User = ci.Config.User
	}
	if ci.State != nil {
		info.Running = ci.State.Running
	}
	return info, nil
}

// StopContainer implements Driver.
func (d *EngineDriver) StopContainer(ctx context.Context, id string, timeout time.Duration) error {
	secs := int(timeout / time.Second)
	if err := d.c.ContainerStop(ctx, id, container.StopOptions{Timeout: &secs}); err != nil {
		return fmt.Errorf("stop container %s: %w", id, notFound(err))
	}
	return nil
}

// RemoveContainer implements Driver.
func (d *EngineDriver) RemoveContainer(ctx context.Context, id string) error {
	err := d.c.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !cerrdefs.IsNotFound(err) && !strings.Contains(err.Error(), "is already in progress") {
		return fmt.Errorf("remove container %s: %w", id, err)
	}
	return nil
}

// Exec implements Driver.
func (d *EngineDriver) Exec(ctx context.Context, id string, spec ExecSpec) (int, error) {
	created, err := d.c.ContainerExecCreate(ctx, id, container.ExecOptions{
		User:         spec.User,
		Tty:          spec.Tty,
		AttachStdin:  spec.Stdin != nil,
		AttachStdout: true,
		AttachStderr: true,
		Env:          spec.Env,
		Cmd:          spec.Cmd,
	})
	if err != nil {
		return -1, fmt.Errorf("exec in container %s: %w", id, notFound(err))
	}
	resp, err := d.c.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{Tty: spec.Tty})
	if err != nil {
		return -1, fmt.Errorf("exec in container %s: %w", id, err)
	}
	defer resp.Close()
	stop := context.AfterFunc(ctx, func() { resp.Close() })
	defer stop()
	if spec.OnStart != nil {
		spec.OnStart()
	}

	if spec.Stdin != nil {
		go func() {
			_, _ = io.Copy(resp.Conn, spec.Stdin)
			_ = resp.CloseWrite()
		}()
	}
	stdout, stderr := spec.Stdout, spec.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	if spec.Tty {
		_, err = io.Copy(stdout, resp.Reader)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, resp.Reader)
	}
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	if err != nil {
		return -1, fmt.Errorf("exec in container %s: read output: %w", id, err)
	}
	// The output ends when the process does; the engine records the exit
	// code a moment later.
	for delay := time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
		ins, err := d.c.ContainerExecInspect(ctx, created.ID)
		if err != nil {
			return -1, fmt.Errorf("exec in container %s: %w", id, err)
		}
		if !ins.Running {
			return ins.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// CopyTo implements Driver.
func (d *EngineDriver) CopyTo(ctx context.Context, id, dir string, r io.Reader) error {
	if err := d.c.CopyToContainer(ctx, id, dir, r, container.CopyToContainerOptions{}); err != nil {
		return fmt.Errorf("copy into container %s:%s: %w", id, dir, notFound(err))
	}
	return nil
}

// CopyFrom implements Driver.
func (d *EngineDriver) CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, PathStat, error) {
	rc, st, err := d.c.CopyFromContainer(ctx, id, path)
	if err != nil {
		return nil, PathStat{}, fmt.Errorf("copy from container %s:%s: %w", id, path, notFound(err))
	}
	return rc, pathStat(st), nil
}

// StatPath implements Driver.
func (d *EngineDriver) StatPath(ctx context.Context, id, path string) (PathStat, error) {
	st, err := d.c.ContainerStatPath(ctx, id, path)
	if err != nil {
		return PathStat{}, fmt.Errorf("stat %s in container %s: %w", path, id, notFound(err))
	}
	return pathStat(st), nil
}

func pathStat(st container.PathStat) PathStat {
	return PathStat{Name: st.Name, Size: st.Size, Mode: st.Mode, Mtime: st.Mtime, LinkTarget: st.LinkTarget}
}

// Commit implements Driver.
func (d *EngineDriver) Commit(ctx context.Context, id string, spec CommitSpec) (string, error) {
	resp, err := d.c.ContainerCommit(ctx, id, container.CommitOptions{
		Reference: spec.Ref,
		Comment:   spec.Message,
		Author:    spec.Author,
		Changes:   spec.Changes,
		Pause:     spec.Pause,
	})
	if err != nil {
		return "", fmt.Errorf("commit container %s: %w", id, err)
	}
	return resp.ID, nil
}

// Export implements Driver.
func (d *EngineDriver) Export(ctx context.Context, id string, w io.Writer) error {
	rc, err := d.c.ContainerExport(ctx, id)
	if err != nil {
		return fmt.Errorf("export container %s: %w", id, notFound(err))
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("export container %s: %w", id, err)
	}
	return nil
}

// DriverOr returns d, or the Engine API driver when d is nil. The docker
// post-processors use it so tests can hand them a FakeDriver.
func DriverOr(d Driver) (Driver, error) {
	if d != nil {
		return d, nil
	}
	return NewEngineDriver()
}
