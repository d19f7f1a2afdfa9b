package hcl2

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// chunkSize is the size from which a file is parsed in pieces, and about
// the size of each piece.
const chunkSize = 16 << 10

// parseConfig parses HCL source as hclsyntax.ParseConfig does.
//
// The lexer keeps all of a file's tokens, about 100 bytes each, in one
// array grown by copying: for a file of thousands of blocks, moving that
// array costs more than parsing. So a large file is cut into pieces of
// about chunkSize, each starting on the line after a "}" line at the top
// level (the end of a top-level block), the pieces are parsed in parallel
// with their real positions, and their bodies joined.
//
// A cut inside a heredoc, a comment or a block leaves a piece with an
// unclosed construct, which is a parse error; and two pieces may set the
// same top-level attribute, which a whole parse reports. In both cases,
// and whenever a piece has any diagnostic, the whole file is parsed again
// as one, so that the result and the diagnostics are always those of
// hclsyntax.ParseConfig.
func parseConfig(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	cuts := cutPoints(src)
	if len(cuts) == 0 {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	bounds := append(append([]int{0}, cuts...), len(src))
	pieces := make([]*hcl.File, len(bounds)-1)
	failed := make([]bool, len(pieces))
	starts := make([]hcl.Pos, len(pieces))
	line := 1
	for i := range pieces {
		starts[i] = hcl.Pos{Line: line, Column: 1, Byte: bounds[i]}
		line += bytes.Count(src[bounds[i]:bounds[i+1]], []byte{'\n'})
	}

	var wg sync.WaitGroup
	work := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f, diags := hclsyntax.ParseConfig(src[bounds[i]:bounds[i+1]], filename, starts[i])
				pieces[i], failed[i] = f, len(diags) > 0
			}
		}()
	}
	for i := range pieces {
		work <- i
	}
	close(work)
	wg.Wait()

	body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
	for i, p := range pieces {
		if failed[i] {
			return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
		}
		pb := p.Body.(*hclsyntax.Body)
		for name, attr := range pb.Attributes {
			if _, dup := body.Attributes[name]; dup {
				return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
			}
			body.Attributes[name] = attr
		}
		body.Blocks = append(body.Blocks, pb.Blocks...)
	}
	last := pieces[len(pieces)-1].Body.(*hclsyntax.Body)
	body.SrcRange = hcl.Range{Filename: filename, Start: hcl.InitialPos, End: last.SrcRange.End}
	body.EndRange = last.EndRange
	return &hcl.File{Body: body, Bytes: src, Nav: pieceNav{pieces: pieces, bounds: bounds}}, nil
}

// cutPoints returns where to cut src: offsets about chunkSize apart, each
// at the start of a line that follows a line holding only "}".
func cutPoints(src []byte) []int {
	if len(src) < 2*chunkSize {
		return nil
	}
	var cuts []int
	from := chunkSize
	for from < len(src)-chunkSize {
		i := bytes.Index(src[from:], []byte("\n}\n"))
		if i < 0 {
			break
		}
		cut := from + i + 3
		if cut >= len(src) {
			break
		}
		cuts = append(cuts, cut)
		from = cut + chunkSize
	}
	return cuts
}

// pieceNav answers the diagnostic writer's questions about the context of
// an offset ("in build:") by asking the piece the offset is in.
type pieceNav struct {
	pieces []*hcl.File
	bounds []int
}

func (n pieceNav) piece(offset int) (any, bool) {
	for i, p := range n.pieces {
		if offset >= n.bounds[i] && offset < n.bounds[i+1] {
			return p.Nav, true
		}
	}
	return nil, false
}

// ContextString is the header of the top-level block holding offset.
func (n pieceNav) ContextString(offset int) string {
	nav, ok := n.piece(offset)
	if c, isCtx := nav.(interface{ ContextString(int) string }); ok && isCtx {
		return c.ContextString(offset)
	}
	return ""
}

// ContextDefRange is the definition range of the top-level block holding
// offset.
func (n pieceNav) ContextDefRange(offset int) hcl.Range {
	nav, ok := n.piece(offset)
	if c, isCtx := nav.(interface{ ContextDefRange(int) hcl.Range }); ok && isCtx {
		return c.ContextDefRange(offset)
	}
	return hcl.Range{}
}
