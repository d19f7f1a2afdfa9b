package hclfmt

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// canonical lays src out in canonical form: the layout hclwrite.Format
// gives, computed from one token stream without the copies and per-token
// allocations of that function. Only the spaces between tokens change: the
// indentation of each line, one space or none between two tokens, and the
// alignment of "=" and of trailing comments across consecutive lines.
//
// Formatting is defined on the output of the scanner, whatever the lexical
// errors: callers reject sources that do not parse.
func canonical(src []byte) []byte {
	native, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	toks := make([]token, len(native))
	end := 0
	for i, t := range native {
		// Only ASCII spaces separate tokens, so bytes are columns.
		toks[i] = token{typ: t.Type, text: t.Bytes, spaces: t.Range.Start.Byte - end}
		end = t.Range.End.Byte
	}
	lines := tokenLines(toks)
	indentLines(toks, lines)
	spaceLines(toks, lines)
	alignAssignments(toks, lines)
	alignComments(toks, lines)
	return render(toks, len(src))
}

// token is a token of the source and the number of spaces written before
// it. text points into the source, which is never modified.
type token struct {
	typ    hclsyntax.TokenType
	text   []byte
	spaces int
}

// span is a run of tokens, toks[start:end]; start < 0 marks a cell the line
// does not have.
type span struct{ start, end int }

func (s span) absent() bool { return s.start < 0 }
func (s span) empty() bool  { return s.start >= s.end }

// fmtLine is one line of tokens, split in up to three cells aligned across
// lines: lead, then assign from the "=" of an attribute whose value ends
// on the line, then a trailing single-line comment.
type fmtLine struct {
	lead, assign, comment span
}

var none = span{-1, -1}

// endsLine reports whether t ends a line: a newline, or a single-line
// comment, which takes in its newline.
func endsLine(t *token) bool {
	switch t.typ {
	case hclsyntax.TokenNewline:
		return true
	case hclsyntax.TokenComment:
		return len(t.text) > 0 && t.text[len(t.text)-1] == '\n'
	}
	return false
}

// depth is how much t opens (+1) or closes (-1) a bracketed sequence.
func depth(typ hclsyntax.TokenType) int {
	switch typ {
	case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
		hclsyntax.TokenTemplateControl, hclsyntax.TokenTemplateInterp:
		return 1
	case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenTemplateSeqEnd:
		return -1
	}
	return 0
}

// tokenLines cuts toks into lines, each line's tokens in its lead, then
// moves trailing comments and whole assignments into their own cells. The
// end-of-file token belongs to no line.
func tokenLines(toks []token) []fmtLine {
	n := 1
	for i := range toks {
		if endsLine(&toks[i]) {
			n++
		}
	}
	lines := make([]fmtLine, 0, n)
	start := 0
	for i := range toks {
		if toks[i].typ == hclsyntax.TokenEOF {
			break
		}
		if endsLine(&toks[i]) {
			lines = append(lines, fmtLine{lead: span{start, i + 1}, assign: none, comment: none})
			start = i + 1
		}
	}
	last := len(toks)
	if last > start && toks[last-1].typ == hclsyntax.TokenEOF {
		last--
	}
	if last < start {
		last = start
	}
	lines = append(lines, fmtLine{lead: span{start, last}, assign: none, comment: none})
	for len(lines) < n {
		lines = append(lines, fmtLine{lead: span{last, last}, assign: none, comment: none})
	}

	for i := range lines {
		l := &lines[i]
		if l.lead.end-l.lead.start > 1 && toks[l.lead.end-1].typ == hclsyntax.TokenComment {
			l.comment = span{l.lead.end - 1, l.lead.end}
			l.lead.end--
		}
		for j := l.lead.start + 1; j < l.lead.end; j++ {
			if toks[j].typ != hclsyntax.TokenEqual {
				continue
			}
			// Only a value that closes all it opens on this line is
			// aligned; one that goes on over lines stays in the lead.
			net := 0
			for k := j; k < l.lead.end; k++ {
				net += depth(toks[k].typ)
			}
			if net == 0 {
				l.assign = span{j, l.lead.end}
				l.lead.end = j
			}
			break
		}
	}
	return lines
}

// indentLines indents each line by two spaces per bracket level open at
// its start. A line opening several brackets at once counts as one level,
// closed when all of them are.
func indentLines(toks []token, lines []fmtLine) {
	open := make([]int, 0, 10) // brackets opened by each indenting line
	for _, l := range lines {
		if l.lead.empty() {
			continue
		}
		first := &toks[l.lead.start]
		if first.typ == hclsyntax.TokenNewline {
			first.spaces = 0
			continue
		}
		net := 0
		for k := l.lead.start; k < l.lead.end; k++ {
			net += depth(toks[k].typ)
			if toks[k].typ == hclsyntax.TokenOHeredoc {
				break
			}
		}
		if !l.assign.absent() {
			for k := l.assign.start; k < l.assign.end; k++ {
				net += depth(toks[k].typ)
			}
		}
		switch {
		case net > 0:
			first.spaces = 2 * len(open)
			open = append(open, net)
		case net < 0:
			for closed := -net; closed > 0 && len(open) > 0; {
				top := &open[len(open)-1]
				if closed < *top {
					*top -= closed
					break
				}
				closed -= *top
				open = open[:len(open)-1]
			}
			first.spaces = 2 * len(open)
		default:
			first.spaces = 2 * len(open)
		}
	}
}

// spaceLines sets the spaces between the tokens of each cell of each line.
// The first token of an assignment (its "=") gets one space.
func spaceLines(toks []token, lines []fmtLine) {
	for _, l := range lines {
		spaceCell(toks, l.lead)
		if !l.assign.absent() {
			toks[l.assign.start].spaces = 1
			spaceCell(toks, l.assign)
		}
	}
}

// nilToken stands for "no token" before the first token of a cell.
var nilToken = token{typ: hclsyntax.TokenNil}

func spaceCell(toks []token, s span) {
	for i := s.start; i < s.end-1; i++ {
		before := &nilToken
		if i > s.start {
			before = &toks[i-1]
		}
		if spaced(&toks[i], before, &toks[i+1]) {
			toks[i+1].spaces = 1
		} else {
			toks[i+1].spaces = 0
		}
	}
}

// spaced reports whether a space goes between t and next; prev is the
// token before t in its cell, or nilToken.
func spaced(t, prev, next *token) bool {
	switch {
	case next.typ == hclsyntax.TokenNewline || next.typ == hclsyntax.TokenNil:
		return false
	case t.typ == hclsyntax.TokenIdent && next.typ == hclsyntax.TokenOParen:
		return false // a function call: f(
	case t.typ == hclsyntax.TokenIdent && next.typ == hclsyntax.TokenDoubleColon,
		t.typ == hclsyntax.TokenDoubleColon && next.typ == hclsyntax.TokenIdent:
		return false // a namespaced function name: ns::f
	case t.typ == hclsyntax.TokenDot || next.typ == hclsyntax.TokenDot:
		return false // attribute access: a.b
	case next.typ == hclsyntax.TokenComma || next.typ == hclsyntax.TokenEllipsis:
		return false
	case t.typ == hclsyntax.TokenComma:
		return true
	case t.typ == hclsyntax.TokenQuotedLit, t.typ == hclsyntax.TokenStringLit,
		t.typ == hclsyntax.TokenOQuote, t.typ == hclsyntax.TokenOHeredoc,
		next.typ == hclsyntax.TokenQuotedLit, next.typ == hclsyntax.TokenStringLit,
		next.typ == hclsyntax.TokenCQuote, next.typ == hclsyntax.TokenCHeredoc:
		return false // inside a template
	case t.typ == hclsyntax.TokenIdent && string(t.text) == "in" && prev.typ == hclsyntax.TokenIdent:
		return true // the keyword of a for expression: for x in [a]
	case next.typ == hclsyntax.TokenOBrack &&
		(t.typ == hclsyntax.TokenIdent || t.typ == hclsyntax.TokenNumberLit || depth(t.typ) < 0):
		return false // an index: a[0]
	case t.typ == hclsyntax.TokenBang:
		return false
	case t.typ == hclsyntax.TokenMinus:
		// Subtraction is spaced, negation is not: a minus that cannot
		// follow the end of an expression is a negation.
		switch prev.typ {
		case hclsyntax.TokenNil,
			hclsyntax.TokenOParen, hclsyntax.TokenOBrace, hclsyntax.TokenOBrack,
			hclsyntax.TokenEqual, hclsyntax.TokenColon, hclsyntax.TokenComma, hclsyntax.TokenQuestion,
			hclsyntax.TokenPlus, hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPercent, hclsyntax.TokenMinus,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual,
			hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq,
			hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
			hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenBang:
			return false
		}
		return true
	case t.typ == hclsyntax.TokenOBrace || next.typ == hclsyntax.TokenCBrace:
		// Braces are spaced inside, except an empty pair: {}.
		return t.typ != hclsyntax.TokenOBrace || next.typ != hclsyntax.TokenCBrace
	case (t.typ == hclsyntax.TokenTemplateInterp || t.typ == hclsyntax.TokenTemplateControl) &&
		next.typ == hclsyntax.TokenOBrace:
		return true // ${ {
	case t.typ == hclsyntax.TokenCBrace && next.typ == hclsyntax.TokenTemplateSeqEnd:
		return true // } }
	case t.typ == hclsyntax.TokenTemplateSeqEnd &&
		(next.typ == hclsyntax.TokenTemplateInterp || next.typ == hclsyntax.TokenTemplateControl):
		return false // }${
	case depth(t.typ) > 0:
		return false // after an opening bracket
	case depth(next.typ) < 0:
		return false // before a closing bracket
	}
	return true
}

// alignAssignments lines up the "=" of consecutive lines that have an
// assignment cell, one space after the longest lead.
func alignAssignments(toks []token, lines []fmtLine) {
	forChains(lines, func(l fmtLine) bool { return !l.assign.absent() }, func(chain []fmtLine) {
		width := 0
		for _, l := range chain {
			width = max(width, columns(toks, l.lead))
		}
		for _, l := range chain {
			toks[l.assign.start].spaces = width - columns(toks, l.lead) + 1
		}
	})
}

// alignComments lines up the trailing comments of consecutive lines, one
// space after the longest code.
func alignComments(toks []token, lines []fmtLine) {
	width := func(l fmtLine) int {
		w := columns(toks, l.lead)
		if !l.assign.absent() {
			w += columns(toks, l.assign)
		}
		return w
	}
	forChains(lines, func(l fmtLine) bool { return !l.comment.absent() }, func(chain []fmtLine) {
		most := 0
		for _, l := range chain {
			most = max(most, width(l))
		}
		for _, l := range chain {
			toks[l.comment.start].spaces = most - width(l) + 1
		}
	})
}

// forChains calls do for each maximal run of consecutive lines for which
// in holds.
func forChains(lines []fmtLine, in func(fmtLine) bool, do func([]fmtLine)) {
	start := -1
	for i, l := range lines {
		switch {
		case in(l) && start < 0:
			start = i
		case !in(l) && start >= 0:
			do(lines[start:i])
			start = -1
		}
	}
	if start >= 0 {
		do(lines[start:])
	}
}

// columns is the width of a cell: its spaces and its grapheme clusters.
func columns(toks []token, s span) int {
	n := 0
	for i := s.start; i < s.end; i++ {
		n += toks[i].spaces + graphemes(toks[i].text)
	}
	return n
}

// graphemes counts the grapheme clusters of b. In ASCII text without
// carriage returns each byte is one.
func graphemes(b []byte) int {
	for _, c := range b {
		if c >= 0x80 || c == '\r' {
			return countClusters(b)
		}
	}
	return len(b)
}

// countClusters counts the grapheme clusters of b the slow way.
func countClusters(b []byte) int {
	n := 0
	for len(b) > 0 {
		adv, cluster, err := scanGraphemeClusters(b, true)
		if err != nil || adv <= 0 {
			break
		}
		if cluster != nil {
			n++
		}
		b = b[adv:]
	}
	return n
}

// render writes the tokens with their spaces; size is a hint.
func render(toks []token, size int) []byte {
	out := make([]byte, 0, size+size/8+64)
	for i := range toks {
		for range toks[i].spaces {
			out = append(out, ' ')
		}
		out = append(out, toks[i].text...)
	}
	return out
}
