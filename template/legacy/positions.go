package legacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/kilnbuild/kiln/sdk/config"
)

// positions maps the dotted paths of a JSON document ("builders.0.image")
// to where they are: the key of an object member, the start of an array
// element.
type positions map[string][2]int

// jsonPositions walks src, a valid JSON document.
func jsonPositions(src []byte) positions {
	p := positions{}
	d := json.NewDecoder(bytes.NewReader(src))
	d.UseNumber()
	_ = p.walk(d, src, "")
	return p
}

// walk reads one value (whose path is path) from d.
func (p positions) walk(d *json.Decoder, src []byte, path string) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	delim, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	switch delim {
	case '{':
		for d.More() {
			start := skipSpace(src, int(d.InputOffset()))
			kt, err := d.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			child := join(path, key)
			p[child] = [2]int{start, int(d.InputOffset())}
			if err := p.walk(d, src, child); err != nil {
				return err
			}
		}
	case '[':
		for i := 0; d.More(); i++ {
			start := skipSpace(src, int(d.InputOffset()))
			child := join(path, strconv.Itoa(i))
			p[child] = [2]int{start, start + 1}
			if err := p.walk(d, src, child); err != nil {
				return err
			}
		}
	}
	_, err = d.Token() // the closing delimiter
	return err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// skipSpace returns the offset of the first byte at or after i that is
// neither white space nor a separator.
func skipSpace(src []byte, i int) int {
	for i < len(src) && strings.IndexByte(" \t\r\n,:", src[i]) >= 0 {
		i++
	}
	return i
}

// rangeOf is the hcl.Range of src[start:end] in the file named filename.
func rangeOf(filename string, src []byte, start, end int) hcl.Range {
	line, col := 1, 1
	for _, b := range src[:start] {
		if b == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	if nl := bytes.IndexByte(src[start:end], '\n'); nl >= 0 {
		end = start + nl // a range ends on its first line
	}
	endCol := col + utf8.RuneCount(src[start:end])
	return hcl.Range{
		Filename: filename,
		Start:    hcl.Pos{Line: line, Column: col, Byte: start},
		End:      hcl.Pos{Line: line, Column: endCol, Byte: end},
	}
}

// componentError is an error of the component whose object is at the
// JSON paths where (the first is the component itself; the others are
// where its configuration also comes from, such as an override).
type componentError struct {
	where []string
	err   error
}

func (e *componentError) Error() string { return e.err.Error() }
func (e *componentError) Unwrap() error { return e.err }

// locate turns err into diagnostics with summary, each located in the
// template where the component's error points: one for each bad key, or
// one at the component's "type" when the error names no key.
func (c *Config) locate(summary string, err error) hcl.Diagnostics {
	var ce *componentError
	src := c.Template.RawContents
	if !errors.As(err, &ce) || len(src) == 0 || c.File == "" {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: err.Error()}}
	}
	if c.positions == nil {
		c.positions = jsonPositions(src)
	}
	at := func(paths ...string) *hcl.Range {
		for _, p := range paths {
			if se, ok := c.positions[p]; ok {
				r := rangeOf(c.File, src, se[0], se[1])
				return &r
			}
		}
		return nil
	}
	component := at(join(ce.where[0], "type"), ce.where[0])
	var diags hcl.Diagnostics
	for _, part := range config.Split(ce.err) {
		subject := component
		var fe *config.FieldError
		if errors.As(part, &fe) && fe.Path != "" && !errors.Is(fe, config.ErrMissingKey) {
			var paths []string
			for _, w := range ce.where {
				paths = append(paths, join(w, fe.Path))
			}
			// A key of a block or map that is not there: the block or map.
			if parent, ok := cutLast(fe.Path); ok {
				for _, w := range ce.where {
					paths = append(paths, join(w, parent))
				}
			}
			if r := at(paths...); r != nil {
				subject = r
			}
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: part.Error(), Subject: subject})
	}
	return diags
}

func cutLast(path string) (parent string, ok bool) {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "", false
	}
	return path[:i], true
}
