package sdk_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
)

func TestTrackWrites(t *testing.T) {
	var screen bytes.Buffer
	u := ui.NewBasic(ui.BasicOptions{Out: &screen, Progress: true})
	var dst bytes.Buffer
	w, done := sdk.TrackWrites(u, "big.bin", 3<<20, &dst)
	data := bytes.Repeat([]byte("k"), 3<<20)
	if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	done()
	done() // a second call is harmless
	if !bytes.Equal(dst.Bytes(), data) {
		t.Errorf("destination got %d bytes, want %d", dst.Len(), len(data))
	}
	// The final line of the bar reports every byte written.
	out := screen.String()
	last := out[strings.LastIndex(strings.TrimRight(out, "\n"), "\r")+1:]
	if !strings.Contains(last, "big.bin") || !strings.Contains(last, "3.0 MiB / 3.0 MiB 100%") {
		t.Errorf("final progress line %q", last)
	}
}

// Without progress bars the destination itself is written to.
func TestTrackWritesNoProgress(t *testing.T) {
	u := ui.NewBasic(ui.BasicOptions{Out: io.Discard})
	f, err := os.Create(t.TempDir() + "/f")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, done := sdk.TrackWrites(u, "f", 0, f)
	defer done()
	if w != io.Writer(f) {
		t.Errorf("got %T, want the *os.File itself", w)
	}
}
