package compress

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kilnbuild/kiln/sdk"
	"github.com/kilnbuild/kiln/ui"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

type artifact struct{ files []string }

func (a *artifact) BuilderId() string { return "test" }
func (a *artifact) Files() []string   { return a.files }
func (a *artifact) Id() string        { return "id" }
func (a *artifact) String() string    { return "test" }
func (a *artifact) State(name string) any {
	if name == sdk.StateGeneratedData {
		return map[string]any{"ID": "img"}
	}
	return nil
}
func (a *artifact) Destroy() error { return nil }

func TestDetect(t *testing.T) {
	for _, tc := range []struct{ name, archive, alg string }{
		{"packer_{{.BuildName}}_{{.BuilderType}}", "tar", AlgPgzip},
		{"out", "tar", AlgPgzip},
		{"out.tar.gz", "tar", AlgPgzip},
		{"out.tgz", "tar", AlgPgzip},
		{"out.bz2", "tar", AlgPgzip},
		{"out.gz", "", AlgPgzip},
		{"out.zip", "zip", ""},
		{"out.tar", "tar", ""},
		{"out.tar.lz4", "tar", AlgLZ4},
		{"out.lz4", "", AlgLZ4},
		{"out.bgzf", "", AlgBGZF},
		{"out.tar.xz", "tar", AlgXZ},
		{"out.zst", "", AlgZstd},
		{"out.tar.zst", "tar", AlgZstd},
		{"out.bzip2", "", AlgBzip2},
		{"v1.2/image.raw.gz", "", AlgPgzip},
	} {
		if a, alg := Detect(tc.name); a != tc.archive || alg != tc.alg {
			t.Errorf("Detect(%q) = (%q, %q), want (%q, %q)", tc.name, a, alg, tc.archive, tc.alg)
		}
	}
}

// inputs makes two files with compressible but not trivial content.
func inputs(t testing.TB, size int) []string {
	t.Helper()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	var files []string
	for _, name := range []string{"disk.img", "meta.json"} {
		var b bytes.Buffer
		for b.Len() < size {
			fmt.Fprintf(&b, "line %d %x\n", b.Len(), r.Uint32()%16)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return files
}

func decompressor(t *testing.T, alg string, r io.Reader) io.Reader {
	t.Helper()
	var (
		out io.Reader
		err error
	)
	switch alg {
	case "":
		return r
	case AlgPgzip, AlgBGZF:
		out, err = gzip.NewReader(r)
	case AlgLZ4:
		out = lz4.NewReader(r)
	case AlgXZ:
		out, err = xz.NewReader(r)
	case AlgZstd:
		var d *zstd.Decoder
		d, err = zstd.NewReader(r)
		out = d
	default:
		t.Fatalf("no reader for %q", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readArchive returns name → content of the archive at path.
func readArchive(t *testing.T, path, archive, alg string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	switch archive {
	case "tar":
		tr := tar.NewReader(decompressor(t, alg, f))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(tr)
			got[h.Name] = string(b)
		}
	case "zip":
		b, _ := io.ReadAll(f)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			c, _ := io.ReadAll(rc)
			rc.Close()
			got[zf.Name] = string(c)
		}
	default:
		b, err := io.ReadAll(decompressor(t, alg, f))
		if err != nil {
			t.Fatal(err)
		}
		got[""] = string(b)
	}
	return got
}

func TestRoundTrip(t *testing.T) {
	files := inputs(t, 300_000)
	content := map[string]string{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		content[f] = string(b)
	}
	for _, tc := range []struct {
		output, format string
		level          int
		single         bool
	}{
		{output: "out.tar.gz"},
		{output: "out.tar.gz", level: 1},
		{output: "out.tar.gz", level: 9},
		{output: "out", format: "tar.gz"},
		{output: "out.zip"},
		{output: "out.tar"},
		{output: "out.tar.lz4"},
		{output: "out.tar.lz4", level: 9},
		{output: "out.tar.xz"},
		{output: "out.tar.zst"},
		{output: "out.tar.zst", level: 9},
		{output: "out.gz", single: true},
		{output: "out.bgzf", single: true},
		{output: "out.bgzf", single: true, level: 9},
		{output: "out.tar.bgzf"},
		{output: "out.zip", level: 1},
		{output: "out.lz4", single: true},
		{output: "out.xz", single: true},
		{output: "out.zst", single: true},
		{output: "{{.ID}}-{{.BuildName}}"}, // no extension: tar + gzip
	} {
		t.Run(tc.output+tc.format+fmt.Sprint(tc.level), func(t *testing.T) {
			dir := t.TempDir()
			p := &PostProcessor{stdout: io.Discard}
			err := p.Configure(map[string]any{"output": filepath.Join(dir, tc.output), "format": tc.format,
				"compression_level": tc.level, "packer_build_name": "web"})
			if err != nil {
				t.Fatal(err)
			}
			in := files
			if tc.single {
				in = files[:1]
			}
			rec := &ui.Recorder{}
			out, keep, force, err := p.PostProcess(t.Context(), rec, &artifact{files: in})
			if err != nil {
				t.Fatalf("%v\n%s", err, rec.Output())
			}
			if keep || force {
				t.Errorf("keep, force = %v, %v; want false, false", keep, force)
			}
			target := out.Files()[0]
			if tc.output == "{{.ID}}-{{.BuildName}}" && filepath.Base(target) != "img-web" {
				t.Errorf("target = %q", target)
			}
			got := readArchive(t, target, p.Archive, p.Algorithm)
			want := map[string]string{}
			for _, f := range in {
				switch p.Archive {
				case "tar":
					want[filepath.Base(f)] = content[f]
				case "zip":
					want[filepath.ToSlash(f)] = content[f]
				default:
					want[""] = content[f]
				}
			}
			if len(got) != len(want) {
				t.Fatalf("archive holds %d entries, want %d", len(got), len(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("entry %q: %d bytes, want %d", k, len(got[k]), len(v))
				}
			}
			if out.BuilderId() != "packer.post-processor.compress" || out.Id() != "" || out.String() != "compressed artifacts in: "+target {
				t.Errorf("artifact: %q %q %q", out.BuilderId(), out.Id(), out.String())
			}
			if says := rec.Says(); !slices.Contains(says, "Archive "+target+" completed") {
				t.Errorf("says = %q", says)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	files := inputs(t, 10)
	p := &PostProcessor{stdout: io.Discard}
	if err := p.Configure(map[string]any{"output": filepath.Join(t.TempDir(), "x.gz")}); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := p.PostProcess(t.Context(), &ui.Recorder{}, &artifact{files: files})
	if err == nil || !strings.Contains(err.Error(), "can only have 1 input file when not using tar/zip. Found 2 files") {
		t.Errorf("two files into .gz: %v", err)
	}
	if err := (&PostProcessor{}).Configure(map[string]any{"output": "x.bzip2"}); err == nil {
		t.Error("bzip2 accepted")
	}
	p = &PostProcessor{}
	p.Configure(map[string]any{"compression_level": 42})
	if p.config.CompressionLevel != 9 || p.config.OutputPath != DefaultOutput {
		t.Errorf("config = %+v", p.config)
	}
	for _, level := range []int{0, -1} {
		p.Configure(map[string]any{"compression_level": level})
		if p.config.CompressionLevel != DefaultLevel {
			t.Errorf("level %d → %d, want the libraries' default", level, p.config.CompressionLevel)
		}
	}
}

func BenchmarkCompress(b *testing.B) {
	files := inputs(b, 4<<20)
	for _, out := range []string{"out.tar", "out.zip", "out.tar.gz", "out.bgzf", "out.tar.lz4", "out.tar.xz", "out.tar.zst"} {
		b.Run(out, func(b *testing.B) {
			dir := b.TempDir()
			p := &PostProcessor{stdout: io.Discard}
			if err := p.Configure(map[string]any{"output": filepath.Join(dir, out)}); err != nil {
				b.Fatal(err)
			}
			in := files
			if p.Archive == "" {
				in = files[:1]
			}
			var size int64
			for _, f := range in {
				fi, _ := os.Stat(f)
				size += fi.Size()
			}
			b.SetBytes(size)
			for b.Loop() {
				if _, _, _, err := p.PostProcess(b.Context(), ui.NewNoop(), &artifact{files: in}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
