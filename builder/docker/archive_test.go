package docker

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestSingleFileTarMatchesTarWriter checks that the stream singleFileTar
// builds is byte for byte what archive/tar writes for the same entry.
func TestSingleFileTarMatchesTarWriter(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 100_000} {
		data := bytes.Repeat([]byte("kiln"), size/4+1)[:size]
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     "file.bin",
			Mode:     0o640,
			Size:     int64(size),
			Uid:      1000,
			Gid:      1000,
			ModTime:  time.Unix(1700000000, 0),
			Format:   tar.FormatPAX,
		}
		var want bytes.Buffer
		tw := tar.NewWriter(&want)
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		// One byte at a time, with more after the file's end: the
		// stream stops at hdr.Size.
		r, err := singleFileTar(hdr, iotest.OneByteReader(io.MultiReader(bytes.NewReader(data), strings.NewReader("extra"))))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("size %d: stream differs from archive/tar's (%d bytes, want %d)", size, len(got), want.Len())
		}
	}
}

func TestSingleFileTarShortSource(t *testing.T) {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: "f", Mode: 0o644, Size: 10, Format: tar.FormatPAX}
	r, err := singleFileTar(hdr, strings.NewReader("short"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(r)
	if err == nil || !strings.Contains(err.Error(), "fewer than 10 bytes") {
		t.Fatalf("err = %v, want a short-source error", err)
	}
}
