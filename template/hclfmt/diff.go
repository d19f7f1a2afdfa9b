package hclfmt

import (
	"bytes"
	"strconv"
)

// diffContext is the number of unchanged lines shown around each change,
// as with `diff -u`.
const diffContext = 3

// UnifiedDiff returns the line differences between before and after in the
// unified format of `diff -u --label=old/<name> --label=new/<name>`, or nil
// when they are equal.
//
// The edit script is a shortest one (Myers' algorithm), with each group of
// changes slid to the position GNU diff prefers, so that the hunks read as
// that tool prints them: deletions before insertions, three lines of
// context, hunks closer than seven lines merged, and "\ No newline at end
// of file" after a last line without one. diff has one more heuristic, for
// lines that occur very often in both files, which is not reproduced: with
// many such lines the hunks may be cut differently (still a correct diff).
func UnifiedDiff(before, after []byte, name string) []byte {
	if bytes.Equal(before, after) {
		return nil
	}
	a, b := splitLines(before), splitLines(after)
	ea, eb := intern(a, b)
	ca, cb := editScript(ea, eb)

	var out bytes.Buffer
	out.WriteString("--- old/" + name + "\n")
	out.WriteString("+++ new/" + name + "\n")
	for _, h := range hunks(changes(ca, cb), len(a)) {
		h.write(&out, a, b)
	}
	return out.Bytes()
}

// splitLines cuts src after each newline; the last line may lack one.
func splitLines(src []byte) [][]byte {
	var lines [][]byte
	for len(src) > 0 {
		n := bytes.IndexByte(src, '\n') + 1
		if n == 0 {
			n = len(src)
		}
		lines = append(lines, src[:n])
		src = src[n:]
	}
	return lines
}

// intern numbers the distinct lines of a and b, so that lines compare as
// integers. A last line without a newline differs from the same text with
// one, as in diff.
func intern(a, b [][]byte) ([]int, []int) {
	ids := make(map[string]int, len(a)+len(b))
	conv := func(lines [][]byte) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[string(l)]
			if !ok {
				id = len(ids)
				ids[string(l)] = id
			}
			out[i] = id
		}
		return out
	}
	return conv(a), conv(b)
}

// editScript reports, for each line of a and of b, whether it is deleted
// (in a) or inserted (in b).
func editScript(a, b []int) (ca, cb []bool) {
	ca, cb = make([]bool, len(a)), make([]bool, len(b))

	// Lines both sides start or end with are equal, apart from the few
	// nearest the differences: like diff, keep as many of those as the
	// context, so that changes may slide into them.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	lo := max(pre-diffContext, 0)
	hiA, hiB := len(a)-max(suf-diffContext, 0), len(b)-max(suf-diffContext, 0)
	compareRegion(a[lo:hiA], b[lo:hiB], ca[lo:hiA], cb[lo:hiB])
	return ca, cb
}

// compareRegion marks the changed lines of a and b in ca and cb.
func compareRegion(a, b []int, ca, cb []bool) {
	// Lines that occur nowhere in the other side are changed whatever the
	// alignment; leaving them out of the search shortens it and decides
	// ties the way diff does.
	inA, inB := make(map[int]bool, len(a)), make(map[int]bool, len(b))
	for _, id := range a {
		inA[id] = true
	}
	for _, id := range b {
		inB[id] = true
	}
	ka, ra := keep(a, inB, ca)
	kb, rb := keep(b, inA, cb)

	s := &myers{a: ka, b: kb, ca: make([]bool, len(ka)), cb: make([]bool, len(kb))}
	n := len(ka) + len(kb) + 3
	s.fwd, s.bwd = make([]int, 2*n), make([]int, 2*n)
	s.off = n
	s.compare(0, len(ka), 0, len(kb))
	for i, c := range s.ca {
		ca[ra[i]] = c
	}
	for i, c := range s.cb {
		cb[rb[i]] = c
	}

	slide(a, ca, cb)
	slide(b, cb, ca)
}

// keep returns the lines of seq that also occur in the other side, with
// their indexes in seq, and marks the others changed.
func keep(seq []int, inOther map[int]bool, changed []bool) (kept, index []int) {
	for i, id := range seq {
		if inOther[id] {
			kept = append(kept, id)
			index = append(index, i)
		} else {
			changed[i] = true
		}
	}
	return kept, index
}

// myers finds a shortest edit script by divide and conquer on the middle
// snake (Myers 1986, "An O(ND) difference algorithm and its variations",
// section 4b), in linear space.
type myers struct {
	a, b     []int
	ca, cb   []bool
	fwd, bwd []int // furthest x reached on each diagonal k = x-y, at k+off
	off      int
}

func (s *myers) compare(x0, x1, y0, y1 int) {
	for x0 < x1 && y0 < y1 && s.a[x0] == s.b[y0] {
		x0++
		y0++
	}
	for x1 > x0 && y1 > y0 && s.a[x1-1] == s.b[y1-1] {
		x1--
		y1--
	}
	switch {
	case x0 == x1:
		for y := y0; y < y1; y++ {
			s.cb[y] = true
		}
	case y0 == y1:
		for x := x0; x < x1; x++ {
			s.ca[x] = true
		}
	default:
		xm, ym := s.middle(x0, x1, y0, y1)
		s.compare(x0, xm, y0, ym)
		s.compare(xm, x1, ym, y1)
	}
}

// middle returns a point on a shortest path from (x0,y0) to (x1,y1) that
// splits the problem in two, searching from both ends at once.
func (s *myers) middle(x0, x1, y0, y1 int) (int, int) {
	const far = int(^uint(0) >> 1)
	fwd, bwd, off := s.fwd, s.bwd, s.off
	kMin, kMax := x0-y1, x1-y0
	fk, bk := x0-y0, x1-y1
	odd := (fk-bk)&1 != 0
	fLo, fHi, bLo, bHi := fk, fk, bk, bk
	fwd[fk+off], bwd[bk+off] = x0, x1
	for {
		// One more edit forward. Diagonals just outside the explored band
		// get a value that never wins the choice below.
		if fLo > kMin {
			fLo--
			fwd[fLo-1+off] = -1
		} else {
			fLo++
		}
		if fHi < kMax {
			fHi++
			fwd[fHi+1+off] = -1
		} else {
			fHi--
		}
		for k := fHi; k >= fLo; k -= 2 {
			fromDel, fromIns := fwd[k-1+off], fwd[k+1+off]
			x := fromIns
			if fromDel >= fromIns {
				x = fromDel + 1
			}
			y := x - k
			for x < x1 && y < y1 && s.a[x] == s.b[y] {
				x++
				y++
			}
			fwd[k+off] = x
			if odd && bLo <= k && k <= bHi && bwd[k+off] <= x {
				return x, y
			}
		}

		// One more edit backward.
		if bLo > kMin {
			bLo--
			bwd[bLo-1+off] = far
		} else {
			bLo++
		}
		if bHi < kMax {
			bHi++
			bwd[bHi+1+off] = far
		} else {
			bHi--
		}
		for k := bHi; k >= bLo; k -= 2 {
			fromIns, fromDel := bwd[k-1+off], bwd[k+1+off]
			x := fromDel - 1
			if fromIns < fromDel {
				x = fromIns
			}
			y := x - k
			for x > x0 && y > y0 && s.a[x-1] == s.b[y-1] {
				x--
				y--
			}
			bwd[k+off] = x
			if !odd && fLo <= k && k <= fHi && x <= fwd[k+off] {
				return x, y
			}
		}
	}
}

// slide moves each run of changed lines of seq within the freedom equal
// lines give it: a run whose last line equals the unchanged line before it
// may move up one line (and so on), one whose first line equals the
// unchanged line after it may move down. Runs that meet merge. Each run ends
// up as low as it can go, unless on the way it ended level with a change
// in the other side, in which case it goes back to the lowest such place,
// so that deletions and insertions form a single change.
//
// other holds the other side's changes; lines that are unchanged in both
// sides pair up in order.
func slide(seq []int, changed, other []bool) {
	n := len(seq)
	ch := func(i int) bool { return i >= 0 && i < n && changed[i] }
	oc := func(j int) bool { return j >= 0 && j < len(other) && other[j] }

	// j is the index in the other side of the unchanged line paired with
	// seq[i] when seq[i] is unchanged (len(other) past the end).
	i, j := 0, 0
	for {
		for i < n && !changed[i] {
			for oc(j) {
				j++
			}
			i++
			j++
		}
		if i == n {
			return
		}
		start := i
		for ch(i) {
			i++
		}
		for oc(j) {
			j++
		}
		// level is where the run last ended next to a change in the other
		// side (n: nowhere).
		var level int
		for {
			length := i - start
			// Up, as long as the line above equals the run's last line.
			for start > 0 && seq[start-1] == seq[i-1] {
				start--
				i--
				changed[start], changed[i] = true, false
				for ch(start - 1) {
					start--
				}
				j--
				for oc(j) {
					j--
				}
			}
			level = n
			if oc(j - 1) {
				level = i
			}
			// Down, as long as the line below equals the run's first line.
			for i < n && seq[start] == seq[i] {
				changed[start], changed[i] = false, true
				start++
				i++
				for ch(i) {
					i++
				}
				j++
				for oc(j) {
					level = i
					j++
				}
			}
			if i-start == length {
				break
			}
		}
		// Back up to the last place level with a change in the other side.
		for level < i {
			start--
			i--
			changed[start], changed[i] = true, false
			j--
			for oc(j) {
				j--
			}
		}
	}
}

// change is a run of deleted lines a[A:A+Del] replaced by b[B:B+Ins].
type change struct{ A, Del, B, Ins int }

// changes lists the runs of the edit script in order.
func changes(ca, cb []bool) []change {
	var out []change
	i, j := 0, 0
	for i < len(ca) || j < len(cb) {
		if (i < len(ca) && ca[i]) || (j < len(cb) && cb[j]) {
			c := change{A: i, B: j}
			for i < len(ca) && ca[i] {
				i++
			}
			for j < len(cb) && cb[j] {
				j++
			}
			c.Del, c.Ins = i-c.A, j-c.B
			out = append(out, c)
			continue
		}
		i++
		j++
	}
	return out
}

// hunk is a set of nearby changes printed with their context.
type hunk struct {
	a0, a1, b0, b1 int // line ranges shown, half-open
	changes        []change
}

// hunks groups changes whose gaps are at most twice the context.
func hunks(cs []change, na int) []hunk {
	var out []hunk
	for len(cs) > 0 {
		n := 1
		for n < len(cs) && cs[n].A-(cs[n-1].A+cs[n-1].Del) <= 2*diffContext {
			n++
		}
		first, last := cs[0], cs[n-1]
		lead := min(diffContext, first.A)
		trail := min(diffContext, na-(last.A+last.Del))
		out = append(out, hunk{
			a0: first.A - lead, a1: last.A + last.Del + trail,
			b0: first.B - lead, b1: last.B + last.Ins + trail,
			changes: cs[:n],
		})
		cs = cs[n:]
	}
	return out
}

func (h hunk) write(out *bytes.Buffer, a, b [][]byte) {
	out.WriteString("@@ -")
	out.WriteString(lineRange(h.a0, h.a1))
	out.WriteString(" +")
	out.WriteString(lineRange(h.b0, h.b1))
	out.WriteString(" @@\n")
	i := h.a0
	for _, c := range h.changes {
		for ; i < c.A; i++ {
			writeLine(out, ' ', a[i])
		}
		for k := c.A; k < c.A+c.Del; k++ {
			writeLine(out, '-', a[k])
		}
		for k := c.B; k < c.B+c.Ins; k++ {
			writeLine(out, '+', b[k])
		}
		i = c.A + c.Del
	}
	for ; i < h.a1; i++ {
		writeLine(out, ' ', a[i])
	}
}

// lineRange prints the half-open range [from,to) of 0-based lines as a
// unified hunk header does: "start,count", "start" alone for one line, and
// for no lines the number of the line before with a count of 0.
func lineRange(from, to int) string {
	switch to - from {
	case 0:
		return strconv.Itoa(from) + ",0"
	case 1:
		return strconv.Itoa(from + 1)
	}
	return strconv.Itoa(from+1) + "," + strconv.Itoa(to-from)
}

func writeLine(out *bytes.Buffer, mark byte, line []byte) {
	out.WriteByte(mark)
	out.Write(line)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}
