package chroot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxSymlinks bounds the symbolic links SecureJoin follows, as the kernel
// bounds path resolution.
const maxSymlinks = 255

// SecureJoin returns the host path of path inside the directory root, as a
// process chrooted to root would resolve it: symbolic links are followed
// but interpreted relative to root, and ".." never climbs above root. The
// result is therefore always root or below it. Components that do not
// exist are joined lexically. root itself is used as given.
func SecureJoin(root, path string) (string, error) {
	root = filepath.Clean(root)
	resolved := "/"
	remaining := path
	links := 0
	for remaining != "" {
		var part string
		part, remaining, _ = strings.Cut(remaining, "/")
		switch part {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, part)
		fi, err := os.Lstat(filepath.Join(root, next))
		if errors.Is(err, fs.ErrNotExist) {
			resolved = next
			continue
		}
		if err != nil {
			return "", fmt.Errorf("resolve %s in %s: %w", path, root, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		links++
		if links > maxSymlinks {
			return "", fmt.Errorf("resolve %s in %s: %w", path, root, syscall.ELOOP)
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", fmt.Errorf("resolve %s in %s: %w", path, root, err)
		}
		if filepath.IsAbs(target) {
			resolved = "/"
		}
		remaining = target + "/" + remaining
	}
	return filepath.Join(root, resolved), nil
}

// within reports whether path is dir or below it; both must be clean.
func within(path, dir string) bool {
	return path == dir || dir == "/" || strings.HasPrefix(path, dir+"/")
}

// realPath returns the absolute, symlink-free form of path.
func realPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}
