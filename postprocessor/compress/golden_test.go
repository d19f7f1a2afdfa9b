package compress

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kilnbuild/kiln/internal/testenv"
	"github.com/kilnbuild/kiln/ui"
	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.sha256")

// goldenInputs makes, in the current directory, disk.img (1.3 MB: more
// than two pgzip blocks and many bgzf blocks) and meta/info.json, with
// fixed modes. As root it also gives them to root, so that tar headers,
// which carry the owner, are the same everywhere.
func goldenInputs(t *testing.T) (files []string, owned bool) {
	t.Helper()
	var b bytes.Buffer
	x := uint32(1)
	for i := 0; b.Len() < 1_300_000; i++ {
		x = x*1664525 + 1013904223
		fmt.Fprintf(&b, "%06d %08x %s\n", i, x>>8, strings.Repeat("kiln", int(x>>28)))
	}
	os.MkdirAll("meta", 0o755)
	for name, content := range map[string][]byte{"disk.img": b.Bytes(), "meta/info.json": []byte(`{"name":"golden"}` + "\n")} {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(name, 0o644)
		os.Chtimes(name, time.Unix(1700000000, 0), time.Unix(1700000000, 0))
	}
	owned = os.Geteuid() == 0
	if owned {
		for _, f := range []string{"disk.img", "meta/info.json"} {
			if err := os.Chown(f, 0, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []string{"disk.img", "meta/info.json"}, owned
}

func compressTo(t *testing.T, output string, files []string, level int) []byte {
	t.Helper()
	p := &PostProcessor{stdout: io.Discard}
	if err := p.Configure(map[string]any{"output": output, "compression_level": level}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := p.PostProcess(t.Context(), &ui.Recorder{}, &artifact{files: files}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Packer's writers, set up as its compress post-processor sets them up,
// written out here independently of kiln's code: what kiln writes must be
// the same bytes.

func packerTar(t *testing.T, w io.Writer, files []string) {
	t.Helper()
	tw := tar.NewWriter(w)
	for _, path := range files {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		h, err := tar.FileInfoHeader(fi, path)
		if err != nil {
			t.Fatal(err)
		}
		h.Format = tar.FormatGNU
		h.ModTime, h.AccessTime, h.ChangeTime = time.Time{}, time.Time{}, time.Time{}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		copyFileTo(t, tw, path)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyFileTo copies as io.Copy from an *os.File does: 32 KiB writes.
func copyFileTo(t *testing.T, w io.Writer, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		t.Fatal(err)
	}
}

func packerPgzip(t *testing.T, w io.Writer, level int, body func(io.Writer)) {
	t.Helper()
	gw, err := pgzip.NewWriterLevel(w, level)
	if err != nil {
		t.Fatal(err)
	}
	gw.SetConcurrency(500000, 1)
	body(gw)
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
}

func packerZip(t *testing.T, w io.Writer, files []string) {
	t.Helper()
	zw := zip.NewWriter(w)
	for _, path := range files {
		dst, err := zw.Create(filepath.ToSlash(path))
		if err != nil {
			t.Fatal(err)
		}
		copyFileTo(t, dst, path)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// bgzfReference is a BGZF writer made of compress/gzip members, cut as
// Packer's (biogo's) writer cuts them: a write that does not fit in the
// block started ends it; Close writes the pending block, even empty, then
// the EOF block.
type bgzfReference struct {
	t     *testing.T
	out   bytes.Buffer
	level int
	block []byte
}

func (r *bgzfReference) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if len(r.block) == 0 || len(r.block)+len(p) <= 0xff00 {
			k := min(0xff00-len(r.block), len(p))
			r.block = append(r.block, p[:k]...)
			p, n = p[k:], n+k
			if len(r.block) < 0xff00 {
				continue
			}
		}
		r.member()
	}
	return n, nil
}

func (r *bgzfReference) member() {
	var m bytes.Buffer
	gw, err := gzip.NewWriterLevel(&m, r.level)
	if err != nil {
		r.t.Fatal(err)
	}
	gw.Header = gzip.Header{Extra: []byte{'B', 'C', 2, 0, 0, 0}}
	gw.Write(r.block)
	gw.Close()
	b := m.Bytes()
	binary.LittleEndian.PutUint16(b[16:], uint16(len(b)-1))
	r.out.Write(b)
	r.block = r.block[:0]
}

func (r *bgzfReference) Close() error {
	r.member()
	r.out.Write(bgzfEOF)
	return nil
}

// The archives are byte for byte what Packer's writers make of the same
// files, and their digests are pinned in testdata/golden.sha256.
func TestGolden(t *testing.T) {
	t.Chdir(t.TempDir())
	files, owned := goldenInputs(t)
	single := files[:1]

	type tc struct {
		output string
		level  int
		files  []string
		ref    func(io.Writer)
		owned  bool // the bytes hold the files' owner
	}
	cases := []tc{
		{"out.tar", 0, files, func(w io.Writer) { packerTar(t, w, files) }, true},
		{"out.tar.gz", 0, files, func(w io.Writer) {
			packerPgzip(t, w, -1, func(gw io.Writer) { packerTar(t, gw, files) })
		}, true},
		{"out-9.tar.gz", 9, files, func(w io.Writer) {
			packerPgzip(t, w, 9, func(gw io.Writer) { packerTar(t, gw, files) })
		}, true},
		{"out.gz", 0, single, func(w io.Writer) {
			packerPgzip(t, w, -1, func(gw io.Writer) { copyFileTo(t, gw, single[0]) })
		}, false},
		{"out-1.gz", 1, single, func(w io.Writer) {
			packerPgzip(t, w, 1, func(gw io.Writer) { copyFileTo(t, gw, single[0]) })
		}, false},
		{"out.zip", 0, files, func(w io.Writer) { packerZip(t, w, files) }, false},
		{"out.bgzf", 0, single, func(w io.Writer) {
			r := &bgzfReference{t: t, level: -1}
			copyFileTo(t, r, single[0])
			r.Close()
			w.Write(r.out.Bytes())
		}, false},
		{"out-9.bgzf", 9, single, func(w io.Writer) {
			r := &bgzfReference{t: t, level: 9}
			copyFileTo(t, r, single[0])
			r.Close()
			w.Write(r.out.Bytes())
		}, false},
		{"out.tar.bgzf", 0, files, func(w io.Writer) {
			r := &bgzfReference{t: t, level: -1}
			packerTar(t, r, files)
			r.Close()
			w.Write(r.out.Bytes())
		}, true},
		// lz4 and xz: the libraries Packer uses, called one block at a time
		// with their defaults, as Packer calls them at the default level.
		{"out.lz4", 0, single, func(w io.Writer) {
			lw := lz4.NewWriter(w)
			copyFileTo(t, lw, single[0])
			closeOrFail(t, lw)
		}, false},
		{"out.tar.lz4", 0, files, func(w io.Writer) {
			lw := lz4.NewWriter(w)
			packerTar(t, lw, files)
			closeOrFail(t, lw)
		}, true},
		{"out.xz", 0, single, func(w io.Writer) {
			xw, err := xz.NewWriter(w)
			if err != nil {
				t.Fatal(err)
			}
			copyFileTo(t, xw, single[0])
			closeOrFail(t, xw)
		}, false},
		// zstd (a kiln addition): klauspost/compress at its default level.
		{"out.zst", 0, single, func(w io.Writer) {
			zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
			if err != nil {
				t.Fatal(err)
			}
			copyFileTo(t, zw, single[0])
			closeOrFail(t, zw)
		}, false},
	}

	golden := readGolden(t)
	got := map[string]string{}
	for _, c := range cases {
		b := compressTo(t, c.output, c.files, c.level)
		var want bytes.Buffer
		c.ref(&want)
		if !bytes.Equal(b, want.Bytes()) {
			t.Errorf("%s: %d bytes differ from Packer's writers' %d bytes (first difference at %d)", c.output, len(b), want.Len(), firstDiff(b, want.Bytes()))
		}
		if c.owned && !owned {
			continue // the owner in the tar headers is not root's
		}
		sum := fmt.Sprintf("%x", sha256.Sum256(b))
		got[c.output] = sum
		if !*update && golden[c.output] != sum {
			t.Errorf("%s: sha256 %s, golden %s", c.output, sum, golden[c.output])
		}
	}
	if *update {
		if !owned {
			t.Fatal("-update needs root, for the tar owners")
		}
		writeGolden(t, got)
	}
}

func closeOrFail(t *testing.T, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

const goldenFile = "testdata/golden.sha256"

func goldenPath(t *testing.T) string {
	t.Helper()
	_, err := os.Stat(filepath.Join(testDir, goldenFile))
	if err != nil && !*update {
		t.Fatal(err)
	}
	return filepath.Join(testDir, goldenFile)
}

// testDir is the package directory, before tests change directory.
var testDir, _ = os.Getwd()

func readGolden(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(goldenPath(t))
	if err != nil {
		if *update {
			return out
		}
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sum, name, ok := strings.Cut(sc.Text(), "  "); ok {
			out[name] = sum
		}
	}
	return out
}

func writeGolden(t *testing.T, sums map[string]string) {
	t.Helper()
	var names []string
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	os.MkdirAll(filepath.Dir(goldenPath(t)), 0o755)
	if err := os.WriteFile(goldenPath(t), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The tar layout Packer writes: GNU headers, base names, no times, the
// files' modes and owners.
func TestTarLayout(t *testing.T) {
	t.Chdir(t.TempDir())
	files, _ := goldenInputs(t)
	b := compressTo(t, "out.tar", files, 0)
	tr := tar.NewReader(bytes.NewReader(b))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		fi, _ := os.Stat(files[len(names)-1])
		uid, gid := owner(fi)
		if h.Format != tar.FormatGNU || h.Typeflag != tar.TypeReg || h.Mode != 0o644 || !h.ModTime.Equal(time.Unix(0, 0)) ||
			h.Size != fi.Size() || h.Uid != uid || h.Gid != gid {
			t.Errorf("%s: format %v type %c mode %o mtime %v size %d owner %d:%d", h.Name, h.Format, h.Typeflag, h.Mode, h.ModTime, h.Size, h.Uid, h.Gid)
		}
	}
	if !slices.Equal(names, []string{"disk.img", "info.json"}) {
		t.Errorf("entries %q, want the base names", names)
	}
	// GNU magic, and the archive ends with two zero blocks, unpadded.
	if string(b[257:265]) != "ustar  \x00" || len(b)%512 != 0 || !bytes.Equal(b[len(b)-1024:], make([]byte, 1024)) {
		t.Errorf("not a GNU tar ending in two zero blocks: magic %q, %d bytes", b[257:265], len(b))
	}
}

// Every format extracts, with the system's tools where they exist, to
// the original files.
func TestSystemToolsExtract(t *testing.T) {
	t.Chdir(t.TempDir())
	files, _ := goldenInputs(t)
	for _, c := range []struct {
		output string
		files  []string
		tool   string
		args   []string // the archive is appended
		stdout bool     // the tool writes the single file to stdout
	}{
		{"x.tar", files, "tar", []string{"-x", "-C", "out", "-f"}, false},
		{"x.tar.gz", files, "tar", []string{"-xz", "-C", "out", "-f"}, false},
		{"x.tar.xz", files, "tar", []string{"-xJ", "-C", "out", "-f"}, false},
		{"x.tar.zst", files, "tar", []string{"--zstd", "-x", "-C", "out", "-f"}, false},
		{"x.zip", files, "unzip", []string{"-q", "-d", "out"}, false},
		{"x.gz", files[:1], "gzip", []string{"-dc"}, true},
		{"x.bgzf", files[:1], "gzip", []string{"-dc"}, true},
		{"x.lz4", files[:1], "lz4", []string{"-dc"}, true},
		{"x.xz", files[:1], "xz", []string{"-dc"}, true},
		{"x.zst", files[:1], "zstd", []string{"-qdc"}, true},
	} {
		t.Run(c.output, func(t *testing.T) {
			testenv.RequireTool(t, c.tool)
			compressTo(t, c.output, c.files, 0)
			os.RemoveAll("out")
			os.Mkdir("out", 0o755)
			cmd := exec.Command(c.tool, append(c.args, c.output)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v: %s", cmd, err, stderr.String())
			}
			for _, f := range c.files {
				want, _ := os.ReadFile(f)
				var got []byte
				switch {
				case c.stdout:
					got = stdout.Bytes()
				case c.tool == "unzip":
					got, _ = os.ReadFile(filepath.Join("out", f))
				default:
					got, _ = os.ReadFile(filepath.Join("out", filepath.Base(f)))
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: extracted %d bytes, want the original %d", f, len(got), len(want))
				}
			}
		})
	}
}

func owner(fi os.FileInfo) (uid, gid int) {
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}
