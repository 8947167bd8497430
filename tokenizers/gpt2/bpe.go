package gpt2

// BPE on one piece, with GPT-2's rule: start from the piece's one-byte
// tokens; repeatedly take the adjacent pair whose merge has the lowest rank
// (the earliest line of merges.txt) and merge every occurrence of that pair,
// left to right without overlaps ("a a a" → "aa a"); stop when no adjacent
// pair has a merge.
//
// The direct implementation rescans the piece for every merge, which is
// quadratic in the piece length; a piece can be a whole file of letters
// without a space. Here the symbols form a linked list and a heap holds
// the candidate pairs ordered by (rank, position). All pairs of the lowest
// rank are taken together, left to right, as one "round", and only after
// the round are the pairs formed with the new symbols pushed: exactly the
// reference's order, in O(n log n). Stale heap entries (a side already
// merged away) are recognised by their recorded symbols and skipped.

type pairEntry struct {
	rank        int32
	pos         int32 // node of the left symbol
	left, right int32 // the symbols when pushed
}

type bpeWork struct {
	sym, next, prev []int32
	heap            []pairEntry
	pending         []int32
}

func entryLess(a, b pairEntry) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

func (w *bpeWork) push(e pairEntry) { w.heap = heapPush(w.heap, e, entryLess) }

func (w *bpeWork) pop() pairEntry {
	top, h := heapPop(w.heap, entryLess)
	w.heap = h
	return top
}

// pushPair pushes the pair starting at node p, if it has a merge.
func (t *Tokenizer) pushPair(w *bpeWork, p int32) {
	if p < 0 {
		return
	}
	q := w.next[p]
	if q < 0 {
		return
	}
	if m, ok := t.ranks[pairKey(w.sym[p], w.sym[q])]; ok {
		w.push(pairEntry{rank: m.rank, pos: p, left: w.sym[p], right: w.sym[q]})
	}
}

// bpe returns the token ids of piece (len(piece) ≥ 2), in w's storage.
func (t *Tokenizer) bpe(piece string, w *bpeWork) []int32 {
	n := len(piece)
	w.sym, w.next, w.prev = w.sym[:0], w.next[:0], w.prev[:0]
	for i := 0; i < n; i++ {
		w.sym = append(w.sym, t.byteID[piece[i]])
		w.next = append(w.next, int32(i+1))
		w.prev = append(w.prev, int32(i-1))
	}
	w.next[n-1] = -1
	w.heap = w.heap[:0]
	for i := 0; i < n-1; i++ {
		t.pushPair(w, int32(i))
	}
	for len(w.heap) > 0 {
		rank := w.heap[0].rank
		w.pending = w.pending[:0]
		for len(w.heap) > 0 && w.heap[0].rank == rank {
			e := w.pop()
			p := e.pos
			if w.sym[p] != e.left { // merged away (dead nodes get sym -1)
				continue
			}
			q := w.next[p]
			if q < 0 || w.sym[q] != e.right {
				continue
			}
			w.sym[p] = t.ranks[pairKey(e.left, e.right)].id
			w.sym[q] = -1
			r := w.next[q]
			w.next[p] = r
			if r >= 0 {
				w.prev[r] = p
			}
			w.pending = append(w.pending, p)
		}
		for _, p := range w.pending {
			if w.sym[p] < 0 {
				continue
			}
			if pp := w.prev[p]; pp >= 0 {
				t.pushPair(w, pp)
			}
			t.pushPair(w, p)
		}
	}
	out := w.pending[:0]
	for p := int32(0); p >= 0; p = w.next[p] {
		out = append(out, w.sym[p])
	}
	w.pending = out
	return out
}
