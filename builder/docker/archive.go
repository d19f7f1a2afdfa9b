package docker

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// errNotRegular is returned for files that cannot be put in a tar stream.
var errNotRegular = errors.New("not a regular file, directory or symlink")

// addTarEntry writes the file at path as name, with owner uid:gid when
// chown is set (else the file's mode only, owned by root).
func addTarEntry(tw *tar.Writer, path, name string, uid, gid int, chown bool) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(path); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	hdr.Name = name
	if fi.IsDir() {
		hdr.Name += "/"
	}
	hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
	if chown {
		hdr.Uid, hdr.Gid = uid, gid
	}
	hdr.Format = tar.FormatPAX
	switch {
	case fi.Mode().IsRegular():
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	case fi.IsDir(), fi.Mode()&fs.ModeSymlink != 0:
		return tw.WriteHeader(hdr)
	}
	return fmt.Errorf("%s: %w", path, errNotRegular)
}
