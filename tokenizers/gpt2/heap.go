package gpt2

// heapPush adds x to the binary heap h (h[0] is the least under less) and
// returns the grown heap. Both BPE encoding and training keep their
// candidate pairs in such a heap, each with its own order.
func heapPush[E any](h []E, x E, less func(a, b E) bool) []E {
	h = append(h, x)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

// heapPop removes the least element of the non-empty heap h and returns
// it with the shrunk heap.
func heapPop[E any](h []E, less func(a, b E) bool) (E, []E) {
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && less(h[r], h[l]) {
			m = r
		}
		if !less(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top, h
}
