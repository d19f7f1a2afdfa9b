package docker

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// FakeDriver is a Driver for tests: each method calls the func field of
// the same name when it is set, and otherwise succeeds with a plausible
// result (CopyFrom and StatPath report ErrNotFound). Every call is
// recorded, by method name, in Calls.
type FakeDriver struct {
	PullImageFunc        func(ctx context.Context, ref, platform string, auth *RegistryAuth, progress func(string)) error
	BuildImageFunc       func(ctx context.Context, spec BuildSpec, progress func(string)) (string, error)
	InspectImageFunc     func(ctx context.Context, ref string) (ImageInfo, error)
	RemoveImageFunc      func(ctx context.Context, ref string, force bool) error
	TagImageFunc         func(ctx context.Context, src, target string) error
	ImportImageFunc      func(ctx context.Context, r io.Reader, ref string, changes []string, platform, message string) (string, error)
	SaveImageFunc        func(ctx context.Context, refs []string, w io.Writer) error
	PushImageFunc        func(ctx context.Context, ref string, auth *RegistryAuth, progress func(string)) (string, error)
	LoginFunc            func(ctx context.Context, auth RegistryAuth) error
	CreateContainerFunc  func(ctx context.Context, spec ContainerSpec) (string, error)
	StartContainerFunc   func(ctx context.Context, id string) error
	InspectContainerFunc func(ctx context.Context, id string) (ContainerInfo, error)
	StopContainerFunc    func(ctx context.Context, id string, timeout time.Duration) error
	RemoveContainerFunc  func(ctx context.Context, id string) error
	ExecFunc             func(ctx context.Context, id string, spec ExecSpec) (int, error)
	CopyToFunc           func(ctx context.Context, id, dir string, r io.Reader) error
	CopyFromFunc         func(ctx context.Context, id, path string) (io.ReadCloser, PathStat, error)
	StatPathFunc         func(ctx context.Context, id, path string) (PathStat, error)
	CommitFunc           func(ctx context.Context, id string, spec CommitSpec) (string, error)
	ExportFunc           func(ctx context.Context, id string, w io.Writer) error

	mu    sync.Mutex
	calls []string
}

var _ Driver = (*FakeDriver)(nil)

func (f *FakeDriver) record(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
}

// Calls returns the names of the methods called so far, in order.
func (f *FakeDriver) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Called reports how many times the method name was called.
func (f *FakeDriver) Called(name string) int {
	n := 0
	for _, c := range f.Calls() {
		if c == name {
			n++
		}
	}
	return n
}

// PullImage implements Driver.
func (f *FakeDriver) PullImage(ctx context.Context, ref, platform string, auth *RegistryAuth, progress func(string)) error {
	f.record("PullImage")
	if f.PullImageFunc != nil {
		return f.PullImageFunc(ctx, ref, platform, auth, progress)
	}
	return nil
}

// BuildImage implements Driver.
func (f *FakeDriver) BuildImage(ctx context.Context, spec BuildSpec, progress func(string)) (string, error) {
	f.record("BuildImage")
	if f.BuildImageFunc != nil {
		return f.BuildImageFunc(ctx, spec, progress)
	}
	return "sha256:built", nil
}

// InspectImage implements Driver.
func (f *FakeDriver) InspectImage(ctx context.Context, ref string) (ImageInfo, error) {
	f.record("InspectImage")
	if f.InspectImageFunc != nil {
		return f.InspectImageFunc(ctx, ref)
	}
	return ImageInfo{ID: "sha256:" + ref}, nil
}

// RemoveImage implements Driver.
func (f *FakeDriver) RemoveImage(ctx context.Context, ref string, force bool) error {
	f.record("RemoveImage")
	if f.RemoveImageFunc != nil {
		return f.RemoveImageFunc(ctx, ref, force)
	}
	return nil
}

// TagImage implements Driver.
func (f *FakeDriver) TagImage(ctx context.Context, src, target string) error {
	f.record("TagImage")
	if f.TagImageFunc != nil {
		return f.TagImageFunc(ctx, src, target)
	}
	return nil
}

// ImportImage implements Driver.
func (f *FakeDriver) ImportImage(ctx context.Context, r io.Reader, ref string, changes []string, platform, message string) (string, error) {
	f.record("ImportImage")
	if f.ImportImageFunc != nil {
		return f.ImportImageFunc(ctx, r, ref, changes, platform, message)
	}
	_, err := io.Copy(io.Discard, r)
	return "sha256:imported", err
}

// SaveImage implements Driver.
func (f *FakeDriver) SaveImage(ctx context.Context, refs []string, w io.Writer) error {
	f.record("SaveImage")
	if f.SaveImageFunc != nil {
		return f.SaveImageFunc(ctx, refs, w)
	}
	return nil
}

// PushImage implements Driver.
func (f *FakeDriver) PushImage(ctx context.Context, ref string, auth *RegistryAuth, progress func(string)) (string, error) {
	f.record("PushImage")
	if f.PushImageFunc != nil {
		return f.PushImageFunc(ctx, ref, auth, progress)
	}
	return "sha256:pushed", nil
}

// Login implements Driver.
func (f *FakeDriver) Login(ctx context.Context, auth RegistryAuth) error {
	f.record("Login")
	if f.LoginFunc != nil {
		return f.LoginFunc(ctx, auth)
	}
	return nil
}

// CreateContainer implements Driver.
func (f *FakeDriver) CreateContainer(ctx context.Context, spec ContainerSpec) (string, error) {
	f.record("CreateContainer")
	if f.CreateContainerFunc != nil {
		return f.CreateContainerFunc(ctx, spec)
	}
	return "container-1", nil
}

// StartContainer implements Driver.
func (f *FakeDriver) StartContainer(ctx context.Context, id string) error {
	f.record("StartContainer")
	if f.StartContainerFunc != nil {
		return f.StartContainerFunc(ctx, id)
	}
	return nil
}

// InspectContainer implements Driver.
func (f *FakeDriver) InspectContainer(ctx context.Context, id string) (ContainerInfo, error) {
	f.record("InspectContainer")
	if f.InspectContainerFunc != nil {
		return f.InspectContainerFunc(ctx, id)
	}
	return ContainerInfo{ID: id, Running: true}, nil
}

// StopContainer implements Driver.
func (f *FakeDriver) StopContainer(ctx context.Context, id string, timeout time.Duration) error {
	f.record("StopContainer")
	if f.StopContainerFunc != nil {
		return f.StopContainerFunc(ctx, id, timeout)
	}
	return nil
}

// RemoveContainer implements Driver.
func (f *FakeDriver) RemoveContainer(ctx context.Context, id string) error {
	f.record("RemoveContainer")
	if f.RemoveContainerFunc != nil {
		return f.RemoveContainerFunc(ctx, id)
	}
	return nil
}

// Exec implements Driver.
func (f *FakeDriver) Exec(ctx context.Context, id string, spec ExecSpec) (int, error) {
	f.record("Exec")
	if f.ExecFunc != nil {
		return f.ExecFunc(ctx, id, spec)
	}
	return 0, nil
}

// CopyTo implements Driver.
func (f *FakeDriver) CopyTo(ctx context.Context, id, dir string, r io.Reader) error {
	f.record("CopyTo")
	if f.CopyToFunc != nil {
		return f.CopyToFunc(ctx, id, dir, r)
	}
	_, err := io.Copy(io.Discard, r)
	return err
}

// CopyFrom implements Driver.
func (f *FakeDriver) CopyFrom(ctx context.Context, id, path string) (io.ReadCloser, PathStat, error) {
	f.record("CopyFrom")
	if f.CopyFromFunc != nil {
		return f.CopyFromFunc(ctx, id, path)
	}
	return nil, PathStat{}, fmt.Errorf("%s: %w", path, ErrNotFound)
}

// StatPath implements Driver.
func (f *FakeDriver) StatPath(ctx context.Context, id, path string) (PathStat, error) {
	f.record("StatPath")
	if f.StatPathFunc != nil {
		return f.StatPathFunc(ctx, id, path)
	}
	return PathStat{}, fmt.Errorf("%s: %w", path, ErrNotFound)
}

// Commit implements Driver.
func (f *FakeDriver) Commit(ctx context.Context, id string, spec CommitSpec) (string, error) {
	f.record("Commit")
	if f.CommitFunc != nil {
		return f.CommitFunc(ctx, id, spec)
	}
	return "sha256:committed", nil
}

// Export implements Driver.
func (f *FakeDriver) Export(ctx context.Context, id string, w io.Writer) error {
	f.record("Export")
	if f.ExportFunc != nil {
		return f.ExportFunc(ctx, id, w)
	}
	return nil
}
