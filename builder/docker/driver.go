package docker

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"time"
)

// Driver is everything kiln asks of a Docker engine. Steps, the
// communicator and the docker post-processors depend only on it; the
// arguments and results are kiln's own types, never the Docker SDK's.
type Driver interface {
	// PullImage pulls ref (for platform, when set), reporting progress
	// lines to progress (which may be nil).
	PullImage(ctx context.Context, ref, platform string, auth *RegistryAuth, progress func(string)) error
	// BuildImage builds an image from a Dockerfile and returns its id.
	BuildImage(ctx context.Context, spec BuildSpec, progress func(string)) (string, error)
	// InspectImage describes a local image. A missing image is an error
	// that satisfies IsNotFound.
	InspectImage(ctx context.Context, ref string) (ImageInfo, error)
	// RemoveImage removes an image (by id, or a tag, which is untagged).
	RemoveImage(ctx context.Context, ref string, force bool) error
	// TagImage adds the tag target (repo[:tag]) to the image src.
	TagImage(ctx context.Context, src, target string) error
	// ImportImage creates an image from the root file system tarball r,
	// tagged ref when not empty, and returns its id.
	ImportImage(ctx context.Context, r io.Reader, ref string, changes []string, platform, message string) (string, error)
	// SaveImage writes the images refs, as `docker save` does, to w.
	SaveImage(ctx context.Context, refs []string, w io.Writer) error
	// PushImage pushes ref and returns the digest the registry gave it.
	PushImage(ctx context.Context, ref string, auth *RegistryAuth, progress func(string)) (string, error)
	// Login checks credentials against a registry; it stores nothing:
	// credentials travel with each pull and push.
	Login(ctx context.Context, auth RegistryAuth) error

	// CreateContainer creates (but does not start) a container.
	CreateContainer(ctx context.Context, spec ContainerSpec) (string, error)
	// StartContainer starts a created container.
	StartContainer(ctx context.Context, id string) error
	// InspectContainer describes a container.
	InspectContainer(ctx context.Context, id string) (ContainerInfo, error)
	// StopContainer stops a container, killing it after timeout.
	StopContainer(ctx context.Context, id string, timeout time.Duration) error
	// RemoveContainer kills and removes a container and its anonymous
	// volumes. A container that is already gone is not an error.
	RemoveContainer(ctx context.Context, id string) error
	// Exec runs a command in a running container and returns its exit
	// code once it ends and its output has been copied.
	Exec(ctx context.Context, id string, spec ExecSpec) (int, error)
	// CopyTo extracts the tar stream r into the directory dir of the
	// container.
	CopyTo(ctx context.Context, id, dir string, r io.Reader) error
	// CopyFrom returns a tar stream of path in the container and what
	// path is.
	CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, PathStat, error)
	// StatPath describes path in the container. A missing path is an
	// error that satisfies IsNotFound.
	StatPath(ctx context.Context, id, path string) (PathStat, error)
	// Commit creates an image from the container and returns its id.
	Commit(ctx context.Context, id string, spec CommitSpec) (string, error)
	// Export writes the container's file system, as a tar stream, to w.
	Export(ctx context.Context, id string, w io.Writer) error
}

// ErrNotFound is what IsNotFound looks for: drivers wrap it (or return an
// error that answers NotFound() true) when an image, container or path
// does not exist.
var ErrNotFound = errors.New("not found")

// IsNotFound reports whether err says that an image, container or path
// does not exist.
func IsNotFound(err error) bool {
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var nf interface{ NotFound() bool }
	return errors.As(err, &nf) && nf.NotFound()
}

// RegistryAuth are the credentials for one registry.
type RegistryAuth struct {
	Server   string
	Username string
	Password string
}

// ImageInfo is what kiln reads of a local image.
type ImageInfo struct {
	// ID is the image id, "sha256:<hex>".
	ID          string
	RepoTags    []string
	RepoDigests []string
	// Cmd and Entrypoint are the image's defaults (nil when unset).
	Cmd        []string
	Entrypoint []string
	Env        []string
	User       string
	WorkingDir string
	Labels     map[string]string
	// Author and Comment are the commit's --author and --message.
	Author       string
	Comment      string
	Os           string
	Architecture string
	Size         int64
}

// ContainerSpec describes the container the builder runs: what `docker
// run` flags say, as data.
type ContainerSpec struct {
	Name       string
	Image      string
	Entrypoint []string
	// EntrypointSet tells an explicit empty entrypoint (--entrypoint="")
	// from none.
	EntrypointSet bool
	Cmd           []string
	Env           []string
	User          string
	WorkingDir    string
	Hostname      string
	Tty           bool
	OpenStdin     bool
	Labels        map[string]string
	// Binds are "host:container[:options]" bind mounts and named volumes.
	Binds []string
	// Tmpfs maps a container path to mount options.
	Tmpfs       map[string]string
	Devices     []DeviceMapping
	CapAdd      []string
	CapDrop     []string
	Privileged  bool
	Runtime     string
	Platform    string
	NetworkMode string
	AutoRemove  bool
	Init        *bool
	SecurityOpt []string
	ExtraHosts  []string
	DNS         []string
	ShmSize     int64
	Memory      int64
	NanoCPUs    int64
	IpcMode     string
	PidMode     string
	// CgroupnsMode is "host" or "private" (--cgroupns).
	CgroupnsMode string
	ReadOnly     bool
	StopSignal   string
	GroupAdd     []string
	Sysctls      map[string]string
}

// DeviceMapping is a --device flag: host path, container path and
// cgroup permissions ("rwm").
type DeviceMapping struct {
	PathOnHost        string
	PathInContainer   string
	CgroupPermissions string
}

// ContainerInfo is what kiln reads of a container.
type ContainerInfo struct {
	ID      string
	Name    string
	Image   string
	User    string
	Running bool
}

// ExecSpec is one command run in a container.
type ExecSpec struct {
	Cmd  []string
	User string
	Env  []string
	// Tty allocates a terminal; stdout and stderr are then one stream,
	// written to Stdout.
	Tty bool
	// Stdin, when set, is copied to the command's standard input, which
	// is closed at its end.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// OnStart, when set, is called once the command runs (an error
	// before that means it could not be started).
	OnStart func()
}

// PathStat describes a path in a container.
type PathStat struct {
	Name       string
	Size       int64
	Mode       fs.FileMode
	Mtime      time.Time
	LinkTarget string
}

// CommitSpec holds `docker commit` options.
type CommitSpec struct {
	Author  string
	Message string
	// Changes are Dockerfile instructions applied to the image config.
	Changes []string
	// Ref tags the image (repo[:tag]) when not empty.
	Ref   string
	Pause bool
}

// BuildSpec holds `docker build` options.
type BuildSpec struct {
	// Dockerfile is the path of the Dockerfile on the host.
	Dockerfile string
	// ContextDir is the build context directory on the host.
	ContextDir string
	BuildArgs  map[string]string
	Platform   string
	Pull       bool
	// Compress is accepted for compatibility; the context is streamed
	// to a local engine, where compressing only costs CPU.
	Compress bool
	Tags     []string
}
