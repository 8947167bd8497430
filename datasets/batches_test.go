package datasets

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/recur-dev/recur/tokenizers"
)

func TestMakeSeqBatch(t *testing.T) {
	// Two pairs: source [10 11 12] → target [20], source [13] → target [21 22].
	b, err := MakeSeqBatch([][]int{{10, 11, 12}, {13}}, [][]int{{20}, {21, 22}})
	if err != nil {
		t.Fatal(err)
	}
	// Worked by hand, time-major (row 0, row 1 per step). P = PadID 1,
	// S = BOSID 2, E = EOSID 3, I = IgnoreTarget -1.
	want := &SeqBatch{
		B: 2, SrcLen: 3, TgtLen: 3,
		Src:     []int{10, 13, 11, 1, 12, 1},
		SrcLens: []int{3, 1},
		SrcMask: []float32{1, 1, 1, 0, 1, 0},
		TgtIn:   []int{2, 2, 20, 21, 1, 22},
		TgtOut:  []int{20, 21, 3, 22, -1, 3},
		TgtLens: []int{2, 3},
		Idx:     []int{0, 1},
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("batch\n got %+v\nwant %+v", b, want)
	}
	if b.Tokens() != 5 {
		t.Errorf("Tokens = %d, want 5", b.Tokens())
	}

	// An empty target still has its </s> to predict.
	b, err = MakeSeqBatch([][]int{{5}}, [][]int{{}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.TgtIn, []int{tokenizers.BOSID}) || !reflect.DeepEqual(b.TgtOut, []int{tokenizers.EOSID}) {
		t.Errorf("empty target: in %v out %v", b.TgtIn, b.TgtOut)
	}
	// Source-only batch for translating new sentences.
	b, err = MakeSeqBatch([][]int{{5, 6}, {7}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.TgtLen != 0 || b.TgtIn != nil || !reflect.DeepEqual(b.Src, []int{5, 7, 6, tokenizers.PadID}) {
		t.Errorf("source-only batch %+v", b)
	}
}

func TestBatchErrors(t *testing.T) {
	tests := []struct {
		name     string
		src, tgt [][]int
		batch    int
		want     string
	}{
		{"no pairs", nil, nil, 1, "batches: no sentence pairs"},
		{"count mismatch", [][]int{{1}, {2}}, [][]int{{1}}, 1, "batches: 2 source sentences but 1 target sentences; they must pair up"},
		{"no targets", [][]int{{1}}, nil, 1, "batches: 1 source sentences but 0 target sentences; they must pair up"},
		{"empty source", [][]int{{1}, {}}, [][]int{{1}, {2}}, 1, "batches: source sentence 1 is empty: an encoder needs at least one token"},
		{"negative id", [][]int{{1}}, [][]int{{4, -1}}, 1, "batches: target sentence 0 has id -1 at position 1 (valid: 0 or more)"},
		{"bad batch", [][]int{{1}}, [][]int{{1}}, 0, "batches: batch size 0 is invalid (valid: 1 or more)"},
		{"too few pairs", [][]int{{1}, {2}}, [][]int{{1}, {2}}, 3, "batches: 2 sentence pairs are fewer than one batch of 3; use a smaller batch or more data"},
	}
	for _, tc := range tests {
		if _, err := NewPairBatcher(tc.src, tc.tgt, tc.batch, 1); err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	p, _ := NewPairBatcher([][]int{{1}}, [][]int{{1}}, 1, 1)
	if err := p.SetPos(-1); err == nil || !strings.Contains(err.Error(), "position -1 is invalid") {
		t.Errorf("SetPos(-1): %v", err)
	}
	if err := p.SetBucketWindow(0); err == nil || !strings.Contains(err.Error(), "bucket window 0 is invalid") {
		t.Errorf("SetBucketWindow(0): %v", err)
	}
	if _, err := EvalBatches([][]int{{1}}, nil, 0); err == nil {
		t.Error("EvalBatches with batch 0 succeeded")
	}
}

// synthPairs makes n pairs with varied lengths; pair i's first source id is
// i + 10, so rows can be traced back.
func synthPairs(n int) (src, tgt [][]int) {
	for i := range n {
		ls, lt := 1+(i*7)%15, (i*11)%16
		s := make([]int, ls)
		s[0] = i + 10
		for k := 1; k < ls; k++ {
			s[k] = 4 + k
		}
		y := make([]int, lt)
		for k := range y {
			y[k] = 4 + (i+k)%50
		}
		src, tgt = append(src, s), append(tgt, y)
	}
	return src, tgt
}

// checkBatch verifies the padding invariants of b against the pairs.
func checkBatch(t *testing.T, b *SeqBatch, src, tgt [][]int) {
	t.Helper()
	var mask float32
	real := 0
	for bi, i := range b.Idx {
		if b.SrcLens[bi] != len(src[i]) || b.TgtLens[bi] != len(tgt[i])+1 {
			t.Fatalf("row %d lengths %d/%d for pair %d", bi, b.SrcLens[bi], b.TgtLens[bi], i)
		}
		for s := range b.SrcLen {
			id := b.Src[s*b.B+bi]
			if s < len(src[i]) && id != src[i][s] || s >= len(src[i]) && (id != tokenizers.PadID || b.SrcMask[s*b.B+bi] != 0) {
				t.Fatalf("row %d source step %d = %d", bi, s, id)
			}
		}
	}
	for _, m := range b.SrcMask {
		mask += m
	}
	for _, y := range b.TgtOut {
		if y != tokenizers.IgnoreTarget {
			real++
		}
	}
	sumSrc := 0
	for _, l := range b.SrcLens {
		sumSrc += l
	}
	if int(mask) != sumSrc || real != b.Tokens() {
		t.Fatalf("mask %v vs %d source tokens; %d real targets vs Tokens %d", mask, sumSrc, real, b.Tokens())
	}
}

func TestPairBatcherEpoch(t *testing.T) {
	src, tgt := synthPairs(1050)
	p, err := NewPairBatcher(src, tgt, 32, 7)
	if err != nil {
		t.Fatal(err)
	}
	if p.BatchesPerEpoch() != 32 { // 1050/32, remainder 26 left out this epoch
		t.Fatalf("BatchesPerEpoch = %d", p.BatchesPerEpoch())
	}
	seen := map[int]int{}
	pad, bucketPad := 0, 0
	for range p.BatchesPerEpoch() {
		b := p.Next()
		checkBatch(t, b, src, tgt)
		for _, i := range b.Idx {
			seen[i]++
		}
		bucketPad += b.SrcLen*b.B - sumInts(b.SrcLens)
	}
	if len(seen) != 32*32 {
		t.Errorf("epoch covered %d distinct pairs, want %d", len(seen), 32*32)
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("pair %d served %d times in one epoch", i, c)
		}
	}
	if p.Epoch() != 1 {
		t.Errorf("Epoch = %d", p.Epoch())
	}
	// Without bucketing the same epoch has much more padding.
	q, _ := NewPairBatcher(src, tgt, 32, 7)
	if err := q.SetBucketWindow(1); err != nil {
		t.Fatal(err)
	}
	for range q.BatchesPerEpoch() {
		b := q.Next()
		pad += b.SrcLen*b.B - sumInts(b.SrcLens)
	}
	t.Logf("source padding per epoch: %d bucketed, %d random", bucketPad, pad)
	if bucketPad*5 > pad {
		t.Errorf("bucketing left %d padding tokens, random batches %d: want at least 5x less", bucketPad, pad)
	}
}

func sumInts(a []int) int {
	n := 0
	for _, v := range a {
		n += v
	}
	return n
}

func TestPairBatcherDeterministicAndResume(t *testing.T) {
	src, tgt := synthPairs(300)
	run := func(seed uint64, n int) [][]int {
		p, _ := NewPairBatcher(src, tgt, 16, seed)
		var out [][]int
		for range n {
			out = append(out, p.Next().Idx)
		}
		return out
	}
	a, b := run(3, 50), run(3, 50) // 50 batches = 2 epochs of 18 + 14
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different batches")
	}
	if reflect.DeepEqual(a, run(4, 50)) {
		t.Error("different seeds gave the same batches")
	}
	if reflect.DeepEqual(a[:18], a[18:36]) {
		t.Error("epochs 0 and 1 have the same order")
	}
	// Resume: a fresh batcher at position k continues exactly.
	for _, k := range []int{0, 5, 18, 35, 49} {
		p, _ := NewPairBatcher(src, tgt, 16, 3)
		if err := p.SetPos(k); err != nil {
			t.Fatal(err)
		}
		for i := k; i < 50; i++ {
			if got := p.Next().Idx; !reflect.DeepEqual(got, a[i]) {
				t.Fatalf("resumed at %d: batch %d differs", k, i)
			}
		}
		if p.Pos() != 50 {
			t.Errorf("Pos = %d", p.Pos())
		}
	}
	// Each row set is sorted by bucket: rows within a batch have similar
	// source lengths (the window is the whole epoch here).
	p, _ := NewPairBatcher(src, tgt, 16, 3)
	first := p.Next()
	lens := append([]int(nil), first.SrcLens...)
	if !sort.IntsAreSorted(lens) {
		t.Errorf("rows of a bucketed batch are not in length order: %v", lens)
	}
}

func TestEvalBatches(t *testing.T) {
	src, tgt := synthPairs(70)
	bs, err := EvalBatches(src, tgt, 32)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 3 || bs[2].B != 6 {
		t.Fatalf("%d batches, last of %d rows; want 3, last 6", len(bs), bs[len(bs)-1].B)
	}
	next := 0
	for _, b := range bs {
		checkBatch(t, b, src, tgt)
		for _, i := range b.Idx {
			if i != next {
				t.Fatalf("pair %d out of order (want %d)", i, next)
			}
			next++
		}
	}
	p, _ := NewPairBatcher(src, tgt, 32, 1)
	if !reflect.DeepEqual(p.All(), bs) {
		t.Error("All differs from EvalBatches")
	}
}

func BenchmarkPairBatcherNext(b *testing.B) {
	src, tgt := synthPairs(20000)
	p, err := NewPairBatcher(src, tgt, 64, 1)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n += p.Next().B
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pairs/s")
}
