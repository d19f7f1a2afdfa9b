package hcl2

import (
	"bytes"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

const (
	// cutFrom is the size from which a file is parsed in pieces.
	cutFrom = 32 << 10
	// chunkSize is about the size of each piece: the lexer grows its
	// token array by a quarter at a time once it holds a few hundred
	// tokens, allocating in all four times what it keeps, against twice
	// for an array of a few hundred; and many pieces keep both cores busy
	// to the end.
	chunkSize = 2 << 10
)

// parseConfig parses HCL source as hclsyntax.ParseConfig does.
//
// The lexer keeps all of a file's tokens, about 100 bytes each, in one
// array grown by copying: for a file of thousands of blocks, moving that
// array costs more than parsing. So a large file is cut into small pieces
// (about chunkSize), the pieces are parsed in parallel with their real
// positions, and their bodies joined. A piece is either a run of
// top-level items, starting on the line after a "}" line at the top level
// (the end of a top-level block), or, in a large block without labels (a
// locals block of thousands of lines), a run of the block's items,
// starting on a line that sets an argument; such a block is rebuilt
// around the items of its pieces (see splitBlock).
//
// A cut inside a heredoc, a comment, an expression or a block leaves a
// piece with an unclosed construct (or with a stray closing one), which
// is a parse error; and two pieces may set the same argument, which a
// whole parse reports. In both cases, and whenever a piece has any
// diagnostic, the whole file is parsed again as one, so that the result
// and the diagnostics are always those of hclsyntax.ParseConfig.
func parseConfig(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	pieces, splits := planPieces(src)
	if pieces == nil {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	files := make([]*hcl.File, len(pieces))
	failed := make([]bool, len(pieces))

	// Each worker takes the next piece not taken.
	var next atomic.Int64
	parse := func() {
		for i := int(next.Add(1) - 1); i < len(pieces); i = int(next.Add(1) - 1) {
			p := pieces[i]
			f, diags := hclsyntax.ParseConfig(src[p.from:p.to], filename, p.start)
			files[i], failed[i] = f, len(diags) > 0
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(pieces)) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parse()
		}()
	}
	parse()
	wg.Wait()

	body, ok := joinPieces(filename, pieces, files, failed, splits)
	if !ok {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	return &hcl.File{Body: body, Bytes: src, Nav: pieceNav{blocks: body.Blocks}}, nil
}

// piece is a part of a file parsed on its own.
type piece struct {
	from, to int
	start    hcl.Pos
	// split is the index of the split block whose body the piece is part
	// of, or -1 for a piece of the top level.
	split int
}

// splitBlock is a large top-level block without labels whose body is
// parsed in pieces: its header line is only its type and "{", at the
// first column, and its closing line is only "}".
type splitBlock struct {
	typ   string
	typ0  hcl.Pos // the type name
	open  hcl.Pos // "{"
	close hcl.Pos // "}"
}

// rangeAt is the range of n ASCII characters on one line from p.
func rangeAt(filename string, p hcl.Pos, n int) hcl.Range {
	end := hcl.Pos{Line: p.Line, Column: p.Column + n, Byte: p.Byte + n}
	return hcl.Range{Filename: filename, Start: p, End: end}
}

// block builds the block as the parser does, around body.
func (s *splitBlock) block(filename string, body *hclsyntax.Body) *hclsyntax.Block {
	open, closing := rangeAt(filename, s.open, 1), rangeAt(filename, s.close, 1)
	body.SrcRange = hcl.RangeBetween(open, closing)
	body.EndRange = hcl.Range{Filename: filename, Start: closing.End, End: closing.End}
	return &hclsyntax.Block{
		Type:            s.typ,
		Body:            body,
		TypeRange:       rangeAt(filename, s.typ0, len(s.typ)),
		OpenBraceRange:  open,
		CloseBraceRange: closing,
	}
}

// joinPieces joins the bodies of the parsed pieces into the file's body;
// it fails when a piece has diagnostics or two pieces of a body set the
// same argument.
func joinPieces(filename string, pieces []piece, files []*hcl.File, failed []bool, splits []splitBlock) (*hclsyntax.Body, bool) {
	root := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, Blocks: hclsyntax.Blocks{}}
	var inner *hclsyntax.Body
	split := -1
	for i, p := range pieces {
		if failed[i] {
			return nil, false
		}
		into := root
		if p.split >= 0 {
			if p.split != split {
				split = p.split
				inner = &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, Blocks: hclsyntax.Blocks{}}
				root.Blocks = append(root.Blocks, splits[split].block(filename, inner))
			}
			into = inner
		}
		pb := files[i].Body.(*hclsyntax.Body)
		for name, attr := range pb.Attributes {
			if _, dup := into.Attributes[name]; dup {
				return nil, false
			}
			into.Attributes[name] = attr
		}
		into.Blocks = append(into.Blocks, pb.Blocks...)
	}
	// The last piece is of the top level, and ends the file.
	last := files[len(files)-1].Body.(*hclsyntax.Body)
	root.SrcRange = hcl.Range{Filename: filename, Start: hcl.InitialPos, End: last.SrcRange.End}
	root.EndRange = last.EndRange
	return root, true
}

// planPieces returns the pieces to parse src in, in source order, and the
// blocks split among them; none for a file too small to cut. The last
// piece is of the top level, possibly empty.
func planPieces(src []byte) ([]piece, []splitBlock) {
	if len(src) < cutFrom {
		return nil, nil
	}
	var (
		pieces []piece
		splits []splitBlock
		pos    = hcl.InitialPos
	)
	// at returns the position of offset off, which is never before the
	// previous one asked for.
	at := func(off int) hcl.Pos {
		seg := src[pos.Byte:off]
		if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
			pos.Line += n
			pos.Column = off - (pos.Byte + bytes.LastIndexByte(seg, '\n'))
		} else {
			pos.Column += off - pos.Byte
		}
		pos.Byte = off
		return pos
	}
	add := func(from, to, split int) {
		pieces = append(pieces, piece{from: from, to: to, start: at(from), split: split})
	}
	top := 0
	for _, b := range largeBlocks(src) {
		for _, c := range topCuts(src, top, b.header) {
			add(top, c, -1)
			top = c
		}
		add(top, b.header, -1)
		s := splitBlock{typ: b.typ, typ0: at(b.header), open: at(b.open)}
		from := b.bodyFrom
		for _, c := range argumentCuts(src, b.bodyFrom, b.closeAt) {
			add(from, c, len(splits))
			from = c
		}
		add(from, b.closeAt, len(splits))
		s.close = at(b.closeAt)
		splits = append(splits, s)
		top = min(b.closeAt+2, len(src))
	}
	for _, c := range topCuts(src, top, len(src)) {
		add(top, c, -1)
		top = c
	}
	add(top, len(src), -1)
	if len(pieces) == 1 {
		return nil, nil
	}
	return pieces, splits
}

// topCuts returns where to cut src[from:to], a run of top-level items:
// offsets about chunkSize apart, each at the start of a line that follows
// a line holding only "}".
func topCuts(src []byte, from, to int) []int {
	var cuts []int
	for at := from + chunkSize; at < to-chunkSize; {
		i := bytes.Index(src[at:to], []byte("\n}\n"))
		if i < 0 {
			break
		}
		cut := at + i + 3
		if cut >= to {
			break
		}
		cuts = append(cuts, cut)
		at = cut + chunkSize
	}
	return cuts
}

// argumentCuts returns where to cut src[from:to], the lines of a block's
// body: offsets about chunkSize apart, each at the start of a line that
// sets an argument, indented as the body's first line.
func argumentCuts(src []byte, from, to int) []int {
	indent := src[from : from+len(src[from:to])-len(bytes.TrimLeft(src[from:to], " \t"))]
	var cuts []int
	for at := from + chunkSize; at < to-chunkSize; {
		i := bytes.IndexByte(src[at:to], '\n')
		if i < 0 {
			break
		}
		line := at + i + 1
		if isArgumentLine(src[line:to], indent) {
			cuts = append(cuts, line)
			at = line + chunkSize
			continue
		}
		at = line
	}
	return cuts
}

// isArgumentLine reports whether line starts with indent, then a name and
// "=" (not "==").
func isArgumentLine(line, indent []byte) bool {
	if !bytes.HasPrefix(line, indent) {
		return false
	}
	rest := line[len(indent):]
	n := identLen(rest)
	if n == 0 {
		return false
	}
	rest = bytes.TrimLeft(rest[n:], " \t")
	return len(rest) >= 2 && rest[0] == '=' && rest[1] != '='
}

// identLen is the length of the ASCII identifier src starts with.
func identLen(src []byte) int {
	for i, c := range src {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9' || c == '-') && i > 0:
		default:
			return i
		}
	}
	return len(src)
}

// largeBlock is a block to split: its header line is only a type and
// "{", and its body at least chunkSize long.
type largeBlock struct {
	typ string
	// header is the offset of the header line, open of its "{"; the body
	// is from bodyFrom, the line after, to closeAt, the first line holding
	// only "}" after it (or the last line of the file, if only "}").
	header, open, bodyFrom, closeAt int
}

// largeBlocks returns the blocks of src to split, in source order.
func largeBlocks(src []byte) []largeBlock {
	var out []largeBlock
	for line := 0; line < len(src); {
		end := bytes.IndexByte(src[line:], '\n')
		if end < 0 {
			break
		}
		end += line
		next := end + 1
		if b, ok := blockHeader(src, line, end); ok {
			// The body ends at the first "}" line; a "}" line of a heredoc
			// or of a nested block leaves a piece that fails.
			i := bytes.Index(src[end:], []byte("\n}\n"))
			if i < 0 {
				if !bytes.HasSuffix(src[end:], []byte("\n}")) {
					break
				}
				i = len(src) - 2 - end
			}
			b.bodyFrom, b.closeAt = next, end+i+1
			if b.closeAt-b.bodyFrom >= chunkSize {
				out = append(out, b)
			}
			next = b.closeAt + 2
		}
		line = next
	}
	return out
}

// blockHeader reads src[line:end] as the header line of a block without
// labels: a name, blanks and "{".
func blockHeader(src []byte, line, end int) (largeBlock, bool) {
	n := identLen(src[line:end])
	if n == 0 {
		return largeBlock{}, false
	}
	i := line + n
	for i < end && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i != end-1 || src[i] != '{' {
		return largeBlock{}, false
	}
	return largeBlock{typ: string(src[line : line+n]), header: line, open: i}, true
}

// pieceNav answers the diagnostic writer's questions about the context of
// an offset ("in build:") as a whole parse's navigation does: from the
// top-level block holding the offset.
type pieceNav struct {
	blocks hclsyntax.Blocks
}

// block is the top-level block holding offset, if any.
func (n pieceNav) block(offset int) *hclsyntax.Block {
	i := sort.Search(len(n.blocks), func(i int) bool { return n.blocks[i].Range().Start.Byte > offset }) - 1
	if i < 0 || !n.blocks[i].Range().ContainsOffset(offset) {
		return nil
	}
	return n.blocks[i]
}

// ContextString is the header of the top-level block holding offset.
func (n pieceNav) ContextString(offset int) string {
	b := n.block(offset)
	if b == nil {
		return ""
	}
	s := b.Type
	for _, l := range b.Labels {
		s += " " + strconv.Quote(l)
	}
	return s
}

// ContextDefRange is the definition range of the top-level block holding
// offset.
func (n pieceNav) ContextDefRange(offset int) hcl.Range {
	b := n.block(offset)
	if b == nil {
		return hcl.Range{}
	}
	return b.DefRange()
}
