package docker

import (
	"archive/tar"
	"bytes"
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

// singleFileTar returns a tar stream of one regular file: the header hdr
// (whose Size says how much of r is the file's content), then exactly
// hdr.Size bytes read from r, then the padding and end-of-archive blocks.
// The stream is a reader over r rather than a tar.Writer behind a pipe: the
// engine request reads the file's bytes straight from r, with no goroutine
// and no extra copy. A source that ends early fails the stream.
func singleFileTar(hdr *tar.Header, r io.Reader) (io.Reader, error) {
	var head bytes.Buffer
	if err := tar.NewWriter(&head).WriteHeader(hdr); err != nil {
		return nil, fmt.Errorf("tar header: %w", err)
	}
	// The content is padded to a whole block, and the archive ends with
	// two zero blocks.
	trailer := make([]byte, (blockSize-hdr.Size%blockSize)%blockSize+2*blockSize)
	return io.MultiReader(&head, &exactReader{r: r, n: hdr.Size, size: hdr.Size}, bytes.NewReader(trailer)), nil
}

// blockSize is the tar block size.
const blockSize = 512

// exactReader reads n more bytes from r and then reports io.EOF; r ending
// before that is an error.
type exactReader struct {
	r    io.Reader
	n    int64
	size int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= int64(n)
	switch {
	case e.n <= 0:
		return n, io.EOF
	case errors.Is(err, io.EOF):
		return n, fmt.Errorf("source ended after fewer than %d bytes", e.size)
	}
	return n, err
}
