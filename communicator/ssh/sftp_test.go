package ssh

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

type writes struct{ got [][]byte }

func (w *writes) Write(b []byte) (int, error) {
	w.got = append(w.got, bytes.Clone(b))
	return len(b), nil
}

func (w *writes) Close() error { return nil }

func packet(payload string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	return append(b, payload...)
}

// Whole packets reach the channel in one write each, however they were
// written.
func TestPacketWriter(t *testing.T) {
	w := &writes{}
	p := &packetWriter{w: w}
	a, b, c := packet("header+data"), packet("x"), packet("")
	for _, part := range [][]byte{
		a[:6], a[6:], // a header, then its data
		append(slices.Clone(b), c...), // two whole packets
		a[:2], a[2:4], a[4:9],         // a length in two pieces
		append(slices.Clone(a[9:]), b[:3]...), // the end of one and the start of the next
		b[3:],
	} {
		if n, err := p.Write(part); n != len(part) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	want := [][]byte{a, append(slices.Clone(b), c...), a, b}
	if len(w.got) != len(want) {
		t.Fatalf("%d writes %q, want %q", len(w.got), w.got, want)
	}
	for i := range want {
		if !bytes.Equal(w.got[i], want[i]) {
			t.Errorf("write %d = %q, want %q", i, w.got[i], want[i])
		}
	}
	if len(p.buf) != 0 {
		t.Errorf("%d bytes left buffered", len(p.buf))
	}
}
