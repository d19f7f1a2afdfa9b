package compress

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// bgzfBlockSize is the most input one BGZF block holds: small enough that
// a block that does not compress still fits in 64 KiB.
const bgzfBlockSize = 0xff00

// bgzfEOF is the empty block that ends a BGZF file (SAM/BAM spec 4.1.2).
var bgzfEOF = []byte{
	0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43,
	0x02, 0x00, 0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
}

// bgzfWriter writes blocked gzip: a series of gzip members of at most 64
// KiB, each carrying its size in a "BC" extra field, so readers can seek.
// Any gzip reader reads it.
//
// It writes what Packer's bgzf writer (biogo's) writes, byte for byte:
// members with the standard library's deflate at the level, an OS byte of
// 0, a block cut short when a write does not fit in what is left of it,
// an empty member at the end, then the EOF block.
type bgzfWriter struct {
	w     io.Writer
	level int
	buf   []byte
	out   bytes.Buffer
	fw    *flate.Writer
	err   error
}

func newBGZFWriter(w io.Writer, level int) (*bgzfWriter, error) {
	fw, err := flate.NewWriter(nil, level)
	if err != nil {
		return nil, err
	}
	return &bgzfWriter{w: w, level: level, fw: fw, buf: make([]byte, 0, bgzfBlockSize)}, nil
}

// Write fills the current block. A write that does not fit in a block
// already started ends that block first; one that starts a block fills it.
func (b *bgzfWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 && b.err == nil {
		fits := len(b.buf) == 0 || len(b.buf)+len(p) <= bgzfBlockSize
		if fits {
			room := min(bgzfBlockSize-len(b.buf), len(p))
			b.buf = append(b.buf, p[:room]...)
			p = p[room:]
			n += room
		}
		if len(b.buf) == bgzfBlockSize || !fits {
			b.err = b.flushBlock()
		}
	}
	return n, b.err
}

func (b *bgzfWriter) flushBlock() error {
	b.out.Reset()
	b.fw.Reset(&b.out)
	if _, err := b.fw.Write(b.buf); err != nil {
		return err
	}
	if err := b.fw.Close(); err != nil {
		return err
	}
	// The gzip header: FEXTRA, no time, XFL as compress/gzip sets it, OS
	// 0, and the BC subfield with the member's size less one.
	var hdr [18]byte
	copy(hdr[:], []byte{0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0, 6, 0, 'B', 'C', 2, 0})
	switch b.level {
	case gzip.BestCompression:
		hdr[8] = 2
	case gzip.BestSpeed:
		hdr[8] = 4
	}
	binary.LittleEndian.PutUint16(hdr[16:], uint16(len(hdr)+b.out.Len()+8-1))
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[0:], crc32.ChecksumIEEE(b.buf))
	binary.LittleEndian.PutUint32(tail[4:], uint32(len(b.buf)))
	for _, part := range [][]byte{hdr[:], b.out.Bytes(), tail[:]} {
		if _, err := b.w.Write(part); err != nil {
			return err
		}
	}
	b.buf = b.buf[:0]
	return nil
}

// Close writes the last block (empty if nothing is pending) and the EOF
// block. It does not close the underlying writer.
func (b *bgzfWriter) Close() error {
	if b.err != nil {
		return b.err
	}
	if b.err = b.flushBlock(); b.err != nil {
		return b.err
	}
	if _, err := b.w.Write(bgzfEOF); err != nil {
		b.err = err
		return err
	}
	b.err = errWriteAfterClose
	return nil
}

var errWriteAfterClose = errors.New("bgzf: write after close")
