package cmd

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/hashicorp/hcl/v2"
)

// writeDiagnostics writes diags as hcl's text writer does, byte for byte.
// That writer scans a diagnostic's file from its first byte to its last
// for every diagnostic, allocating for every line; here each one is given
// a view of its file that holds only the lines it shows, and the line
// numbers of the printed source are put right afterwards. A template with
// thousands of errors is reported in a moment rather than in minutes.
func writeDiagnostics(w io.Writer, files map[string]*hcl.File, width uint, color bool, diags hcl.Diagnostics) error {
	var b bytes.Buffer
	for _, d := range diags {
		view, vd, lines := diagView(files, d)
		b.Reset()
		if err := hcl.NewDiagnosticTextWriter(&b, view, width, color).WriteDiagnostic(vd); err != nil {
			return err
		}
		out := b.Bytes()
		if lines > 0 {
			out = renumber(out, lines)
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// diagView returns the files and the diagnostic to print d with, and how
// many lines of d's file come before the view.
func diagView(files map[string]*hcl.File, d *hcl.Diagnostic) (map[string]*hcl.File, *hcl.Diagnostic, int) {
	if d.Subject == nil || d.Subject.Start.Line < 1 {
		return files, d, 0
	}
	f := files[d.Subject.Filename]
	if f == nil || f.Bytes == nil {
		return files, d, 0
	}
	src := f.Bytes
	snip := *d.Subject
	if d.Context != nil && d.Context.Filename == snip.Filename {
		snip = hcl.RangeOver(snip, *d.Context)
	}
	if snip.Start.Byte < 0 || snip.Start.Byte > len(src) || snip.Start.Line != d.Subject.Start.Line {
		// A context that begins before the subject: print as hcl does.
		return files, d, 0
	}
	start := bytes.LastIndexByte(src[:snip.Start.Byte], '\n') + 1
	end := min(max(snip.End.Byte, snip.Start.Byte+1), len(src))
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		end += i
	} else {
		end = len(src)
	}

	vd := *d
	vd.Subject = shifted(d.Subject, start)
	if d.Context != nil && d.Context.Filename == d.Subject.Filename {
		vd.Context = shifted(d.Context, start)
	}
	nav := f.Nav
	if cs, ok := f.Nav.(contextStringer); ok {
		nav = shiftedNav{cs, start}
	}
	view := map[string]*hcl.File{d.Subject.Filename: {Bytes: src[start:end], Nav: nav}}
	return view, &vd, snip.Start.Line - 1
}

// renumber adds n to the line numbers of the source lines in out, one
// diagnostic as hcl's writer prints it: the lines after "  on FILE line
// N…:" up to the first empty line, each "%4d: text".
func renumber(out []byte, n int) []byte {
	i := bytes.Index(out, []byte("\n  on "))
	if i < 0 {
		return out
	}
	nl := bytes.IndexByte(out[i+1:], '\n')
	if nl < 0 {
		return out
	}
	rest := out[i+1+nl+1:]
	var b bytes.Buffer
	b.Grow(len(out) + 16)
	b.Write(out[:i+1+nl+1])
	for len(rest) > 0 && rest[0] != '\n' {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		num, text, ok := bytes.Cut(line, []byte(": "))
		k, err := strconv.Atoi(string(bytes.TrimLeft(num, " ")))
		if !ok || err != nil {
			return out
		}
		fmt.Fprintf(&b, "%4d: %s\n", k+n, text)
		rest = after
	}
	b.Write(rest)
	return b.Bytes()
}

func shifted(r *hcl.Range, by int) *hcl.Range {
	s := *r
	s.Start.Byte -= by
	s.End.Byte -= by
	return &s
}

// contextStringer is what hcl's writer asks a file's Nav for the block a
// diagnostic is in ("in build").
type contextStringer interface {
	ContextString(offset int) string
}

// shiftedNav answers for the original file at offsets of the view.
type shiftedNav struct {
	nav   contextStringer
	shift int
}

func (n shiftedNav) ContextString(offset int) string { return n.nav.ContextString(offset + n.shift) }
