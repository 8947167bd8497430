package datasets

import (
	"slices"
	"strings"
	"testing"
)

func seqIDs(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	return ids
}

// Hand-worked: 13 ids, batch 3, seq 2. L = (13-1)/3 = 4, so stream 0 reads
// 0..3 (targets 1..4), stream 1 reads 4..7 (targets 5..8), stream 2 reads
// 8..11 (targets 9..12). Two windows per epoch; the third call wraps.
func TestStreamsHandWorked(t *testing.T) {
	s, err := NewStreams(seqIDs(13), 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.WindowsPerEpoch() != 2 || s.StreamLen() != 4 || s.Batch() != 3 || s.Seq() != 2 {
		t.Fatalf("windows %d, L %d", s.WindowsPerEpoch(), s.StreamLen())
	}
	steps := []struct {
		x, y    []int // time-major: x[t*batch+b]
		wrapped bool
		epoch   int // Epoch() after the call
	}{
		{x: []int{0, 4, 8, 1, 5, 9}, y: []int{1, 5, 9, 2, 6, 10}, epoch: 0},
		{x: []int{2, 6, 10, 3, 7, 11}, y: []int{3, 7, 11, 4, 8, 12}, epoch: 1},
		{x: []int{0, 4, 8, 1, 5, 9}, y: []int{1, 5, 9, 2, 6, 10}, wrapped: true, epoch: 1},
		{x: []int{2, 6, 10, 3, 7, 11}, y: []int{3, 7, 11, 4, 8, 12}, epoch: 2},
		{x: []int{0, 4, 8, 1, 5, 9}, y: []int{1, 5, 9, 2, 6, 10}, wrapped: true, epoch: 2},
	}
	x, y := make([]int, 6), make([]int, 6)
	for i, st := range steps {
		wrapped := s.Next(x, y)
		if !slices.Equal(x, st.x) || !slices.Equal(y, st.y) || wrapped != st.wrapped {
			t.Errorf("call %d: x %v y %v wrapped %v, want %v %v %v", i, x, y, wrapped, st.x, st.y, st.wrapped)
		}
		if s.Pos() != i+1 || s.Epoch() != st.epoch {
			t.Errorf("call %d: Pos %d Epoch %d, want %d %d", i, s.Pos(), s.Epoch(), i+1, st.epoch)
		}
	}
}

// The reference loop (charlm.py / wordlm.py): L = (n-1)//batch, wrap when
// pos + seq > L. Check window counts and wrap steps against it.
func TestStreamsMatchReferenceLoop(t *testing.T) {
	for _, tc := range []struct{ n, batch, seq int }{
		{13, 3, 2}, {14, 3, 2}, {100, 4, 7}, {1000, 32, 5}, {36, 1, 35}, {41, 2, 10},
	} {
		ids := seqIDs(tc.n)
		s, err := NewStreams(ids, tc.batch, tc.seq)
		if err != nil {
			t.Fatal(err)
		}
		L := (tc.n - 1) / tc.batch
		pos := 0
		x, y := make([]int, tc.batch*tc.seq), make([]int, tc.batch*tc.seq)
		for step := 0; step < 50; step++ {
			refWrap := false
			if pos+tc.seq > L {
				pos, refWrap = 0, true
			}
			wrapped := s.Next(x, y)
			if wrapped != refWrap {
				t.Fatalf("%+v step %d: wrapped %v, reference %v", tc, step, wrapped, refWrap)
			}
			for b := 0; b < tc.batch; b++ {
				for ts := 0; ts < tc.seq; ts++ {
					// xs = train[:batch*L].view(batch, L); ys = train[1:batch*L+1].view(batch, L)
					wantX, wantY := ids[b*L+pos+ts], ids[b*L+pos+ts+1]
					if x[ts*tc.batch+b] != wantX || y[ts*tc.batch+b] != wantY {
						t.Fatalf("%+v step %d b %d t %d: x %d y %d, want %d %d", tc, step, b, ts, x[ts*tc.batch+b], y[ts*tc.batch+b], wantX, wantY)
					}
				}
			}
			pos += tc.seq
		}
	}
}

// A run resumed from a saved Pos sees exactly the windows and wrap signals
// of an uninterrupted run.
func TestStreamsResume(t *testing.T) {
	ids := seqIDs(1000)
	const batch, seq = 4, 9
	full, _ := NewStreams(ids, batch, seq)
	var wantX, wantY [][]int
	var wantWrap []bool
	for i := 0; i < 200; i++ {
		x, y := make([]int, batch*seq), make([]int, batch*seq)
		wantWrap = append(wantWrap, full.Next(x, y))
		wantX, wantY = append(wantX, x), append(wantY, y)
	}
	for _, at := range []int{0, 1, 26, 27, 28, 150} { // 27 windows per epoch
		s, _ := NewStreams(ids, batch, seq)
		if err := s.SetPos(at); err != nil {
			t.Fatal(err)
		}
		x, y := make([]int, batch*seq), make([]int, batch*seq)
		for i := at; i < 200; i++ {
			w := s.Next(x, y)
			if w != wantWrap[i] || !slices.Equal(x, wantX[i]) || !slices.Equal(y, wantY[i]) {
				t.Fatalf("resumed at %d: window %d differs", at, i)
			}
		}
	}
	s, _ := NewStreams(ids, batch, seq)
	if err := s.SetPos(-1); err == nil || !strings.Contains(err.Error(), "position -1 is invalid") {
		t.Errorf("SetPos(-1) error = %v", err)
	}
}

func TestNewStreamsErrors(t *testing.T) {
	tests := []struct {
		n, batch, seq int
		wantErr       string
	}{
		{10, 0, 2, "streams: batch 0 is invalid (valid: 1 or more)"},
		{10, 2, -1, "streams: sequence length -1 is invalid (valid: 1 or more)"},
		{9, 3, 3, "streams: 9 tokens are too few for batch 3 × sequence length 3: one window needs batch*seq+1 = 10 tokens"},
		{0, 1, 1, "0 tokens are too few"},
		{10, 1 << 40, 1 << 40, "too few"},
	}
	for _, tc := range tests {
		_, err := NewStreams(seqIDs(tc.n), tc.batch, tc.seq)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("NewStreams(%d ids, %d, %d) error = %v, want %q", tc.n, tc.batch, tc.seq, err, tc.wantErr)
		}
	}
	// Exactly batch*seq+1 ids is enough for one window.
	for _, tc := range []struct{ batch, seq int }{{3, 3}, {9, 1}, {1, 9}} {
		s, err := NewStreams(seqIDs(10), tc.batch, tc.seq)
		if err != nil || s.WindowsPerEpoch() != 1 {
			t.Errorf("10 ids, batch %d, seq %d: %v", tc.batch, tc.seq, err)
		}
	}
}

func TestStreamsNextShortBuffers(t *testing.T) {
	s, _ := NewStreams(seqIDs(100), 2, 3)
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "batch*seq = 6, got 5 and 6") {
			t.Errorf("recover() = %v", r)
		}
	}()
	s.Next(make([]int, 5), make([]int, 6))
}

func TestEvalChunks(t *testing.T) {
	tests := []struct {
		n, chunks int
		wantIn    [][]int
	}{
		// 10 pairs in 4 chunks of ceil(10/4) = 3: 3, 3, 3, 1.
		{11, 4, [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9}}},
		// 9 pairs in chunks of 3: the reference's 4th row is all padding.
		{10, 4, [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}},
		{5, 1, [][]int{{0, 1, 2, 3}}},
		{5, 0, [][]int{{0, 1, 2, 3}}},
		{3, 10, [][]int{{0}, {1}}},
		{1, 4, nil},
		{0, 4, nil},
	}
	for _, tc := range tests {
		in, tg := EvalChunks(seqIDs(tc.n), tc.chunks)
		if len(in) != len(tc.wantIn) || len(tg) != len(in) {
			t.Errorf("EvalChunks(%d ids, %d) = %v / %v, want inputs %v", tc.n, tc.chunks, in, tg, tc.wantIn)
			continue
		}
		for k := range in {
			if !slices.Equal(in[k], tc.wantIn[k]) {
				t.Errorf("EvalChunks(%d ids, %d) chunk %d inputs %v, want %v", tc.n, tc.chunks, k, in[k], tc.wantIn[k])
			}
			for i := range in[k] {
				if tg[k][i] != in[k][i]+1 {
					t.Errorf("chunk %d: target %d after input %d", k, tg[k][i], in[k][i])
				}
			}
		}
	}
}

// Every target ids[1:] is scored exactly once, for many sizes, including the
// reference's validation sets: 111,540 chars (111,539 targets) and 29,230
// words (29,229 targets), in 32 chunks.
func TestEvalChunksCoverEveryTarget(t *testing.T) {
	for _, n := range []int{2, 3, 33, 64, 65, 1000, 29230, 111540} {
		for _, chunks := range []int{1, 2, 7, 32, 100} {
			ids := seqIDs(n)
			in, tg := EvalChunks(ids, chunks)
			if len(in) > chunks {
				t.Fatalf("n %d: %d chunks, asked for %d", n, len(in), chunks)
			}
			seen := make([]int, n)
			for k := range tg {
				if len(tg[k]) == 0 || len(tg[k]) != len(in[k]) {
					t.Fatalf("n %d chunk %d: %d inputs, %d targets", n, k, len(in[k]), len(tg[k]))
				}
				for i, id := range tg[k] {
					seen[id]++
					if in[k][i] != id-1 {
						t.Fatalf("n %d chunk %d: input %d for target %d", n, k, in[k][i], id)
					}
				}
			}
			if seen[0] != 0 {
				t.Fatalf("n %d: the first token was scored", n)
			}
			for id := 1; id < n; id++ {
				if seen[id] != 1 {
					t.Fatalf("n %d chunks %d: target %d scored %d times", n, chunks, id, seen[id])
				}
			}
		}
	}
}

func BenchmarkStreamsNext(b *testing.B) {
	ids := seqIDs(1 << 20)
	const batch, seq = 32, 100
	s, err := NewStreams(ids, batch, seq)
	if err != nil {
		b.Fatal(err)
	}
	x, y := make([]int, batch*seq), make([]int, batch*seq)
	n := 0
	for b.Loop() {
		s.Next(x, y)
		n += batch * seq
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}
