package decoder

// KVCache is a GPT's inference state: for every layer and row the keys and
// values of the positions read so far (K[l·Batch+r] is [capacity, Width],
// position p at p·Width), and Pos, the number of positions filled (the same
// for every row, since Step advances all rows together). Buffers grow by
// doubling up to Context positions, so a warm state steps without
// allocating. State.Reorder and State.Clone reorder and copy the cache.
type KVCache struct {
	Pos  int
	K, V [][]float32

	layers, width, context int
	spareK, spareV         [][]float32
	work                   gptWork
}

// gptWork is a GPT state's scratch (not copied by Clone).
type gptWork struct{ x, h, qkv, att, fc, scores []float32 }

func newKVCache(layers, batch, width, context int) *KVCache {
	return &KVCache{K: make([][]float32, layers*batch), V: make([][]float32, layers*batch), layers: layers, width: width, context: context}
}

// reserve makes room for n positions in every row.
func (c *KVCache) reserve(n int) {
	need := n * c.width
	for i := range c.K {
		if len(c.K[i]) >= need {
			continue
		}
		size := min(max(need, 2*len(c.K[i]), 64*c.width), c.context*c.width)
		c.K[i] = append(make([]float32, 0, size), c.K[i][:c.Pos*c.width]...)[:size]
		c.V[i] = append(make([]float32, 0, size), c.V[i][:c.Pos*c.width]...)[:size]
	}
}

// reorder makes row i a copy of old row src[i] (old batch B).
func (c *KVCache) reorder(B int, src []int) {
	n := c.Pos * c.width
	nb := len(src)
	k, v := growRows(c.spareK, c.layers*nb), growRows(c.spareV, c.layers*nb)
	for l := 0; l < c.layers; l++ {
		for i, r := range src {
			from := l*B + r
			k[l*nb+i] = grow(k[l*nb+i][:cap(k[l*nb+i])], len(c.K[from]))
			v[l*nb+i] = grow(v[l*nb+i][:cap(v[l*nb+i])], len(c.V[from]))
			copy(k[l*nb+i][:n], c.K[from][:n])
			copy(v[l*nb+i][:n], c.V[from][:n])
		}
	}
	c.spareK, c.spareV = c.K, c.V
	c.K, c.V = k, v
}

// clone deep-copies the filled positions.
func (c *KVCache) clone() *KVCache {
	d := &KVCache{Pos: c.Pos, layers: c.layers, width: c.width, context: c.context}
	for i := range c.K {
		d.K = append(d.K, append([]float32(nil), c.K[i]...))
		d.V = append(d.V, append([]float32(nil), c.V[i]...))
	}
	return d
}
