package bench

import "fmt"

// Spec describes one benchmark of the shared suite: its stable name (the join
// key of a comparison), its unit and the FLOPs one unit of work costs.
type Spec struct {
	Name string
	Unit string
	// FlopsPerUnit is the matrix-product work per unit of Unit (per char,
	// token, pair, image); for a latency ("ms") benchmark it is the work of one
	// timed call, and for the peak/* kernels, whose value already is GFLOP/s,
	// it is 0.
	FlopsPerUnit int64
}

// HigherIsBetter reports the comparison direction: latencies (ms) are better
// low, every throughput is better high, as torch_ref.py assumes.
func (s Spec) HigherIsBetter() bool { return s.Unit != "ms" }

// Group is the workload family, the part of the name before '/'
// ("charlm-train" for "charlm-train/small-lstm"); names without '/' are their
// own group.
func (s Spec) Group() string { return group(s.Name) }

// Shapes of the char-level language models (shared README, "Workloads").
const (
	charVocab      = 65
	smallHidden    = 128
	mediumHidden   = 512
	charBatch      = 32
	smallSeq       = 50
	mediumSeq      = 100
	promptLen      = 200
	sampleTokens   = 100
	sampleTemp     = 0.8
	mediumLayers   = 2
	lstmGates      = 4
	gruGates       = 3
	s2sVocab       = 5000
	s2sWidth       = 256 // embedding, hidden and attention widths
	s2sLen         = 12
	s2sBeam        = 5
	capHidden      = 256
	capVocab       = 100
	capLen         = 12
	capImage       = 64
	capFirstConvIn = 3
)

// cellFlops is one step of one recurrent layer for one sequence: the input
// and recurrent products of every gate, 2·gates·hidden·(in+hidden).
func cellFlops(gates, in, hidden int64) int64 { return 2 * gates * hidden * (in + hidden) }

// linearFlops is one in→out product for one row.
func linearFlops(in, out int64) int64 { return 2 * in * out }

// convFlops is a k×k convolution producing an h×w×cout map from cin channels.
func convFlops(h, w, cin, cout, k int64) int64 { return 2 * h * w * cout * cin * k * k }

// charLMForward is the forward work per character of an embedding → stacked
// RNN (hidden wide, input = hidden) → linear(hidden → 65) model.
func charLMForward(gates, hidden, layers int64) int64 {
	return layers*cellFlops(gates, hidden, hidden) + linearFlops(hidden, charVocab)
}

// seq2seqForward returns the encoder work per sentence and the decoder work
// per step per sentence of the attention model (README "seq2seq model").
func seq2seqForward() (enc, step int64) {
	const w, s, v = s2sWidth, s2sLen, s2sVocab
	enc = s * (cellFlops(gruGates, w, w) + linearFlops(w, w)) // GRU + U·h_j
	step = linearFlops(w, w) +                                // W·s
		2*s*w + // scores v·tanh(…)
		2*s*w + // context Σ a_j h_j
		cellFlops(gruGates, 2*w, w) + // GRUCell([emb; ctx])
		linearFlops(2*w, v) // output projection
	return enc, step
}

// captionTrain is the training work per image: 3 × forward minus the first
// convolution's input gradient, which the image does not need.
func captionTrain() int64 {
	size, cin := int64(capImage), int64(capFirstConvIn)
	var convs []int64
	for _, cout := range []int64{32, 64, 128} {
		convs = append(convs, convFlops(size, size, cin, cout, 3))
		cin, size = cout, size/2
	}
	fwd := 2*linearFlops(cin, capHidden) + capLen*cellFlops(lstmGates, capHidden, capHidden) +
		capLen*linearFlops(capHidden, capVocab)
	for _, c := range convs {
		fwd += c
	}
	return 3*fwd - convs[0]
}

// Specs lists every benchmark of the shared suite in the reference's order,
// implemented here or not.
func Specs() []Spec {
	enc, step := seq2seqForward()
	tok := charLMForward(lstmGates, mediumHidden, mediumLayers)
	specs := []Spec{
		{Name: "peak/sgemm-1024", Unit: "GFLOP/s"},
		{Name: "peak/sgemm-4096", Unit: "GFLOP/s"},
		{Name: "peak/sgemm-32x512x2048", Unit: "GFLOP/s"},
		{Name: "peak/sgemv-4096x1024", Unit: "GFLOP/s"},
		{Name: "peak/stream-512mib", Unit: "GB/s"},
		{Name: "charlm-train/small-lstm", Unit: "chars/s", FlopsPerUnit: 3 * charLMForward(lstmGates, smallHidden, 1)},
		{Name: "charlm-train/medium-lstm", Unit: "chars/s", FlopsPerUnit: 3 * tok},
		{Name: "charlm-train/medium-gru", Unit: "chars/s", FlopsPerUnit: 3 * charLMForward(gruGates, mediumHidden, mediumLayers)},
		{Name: "charlm-sample/medium-lstm-first-token", Unit: "ms", FlopsPerUnit: promptLen * tok},
		{Name: "charlm-sample/medium-lstm-tokens", Unit: "tokens/s", FlopsPerUnit: tok},
		{Name: "seq2seq-train", Unit: "pairs/s", FlopsPerUnit: 3 * (enc + s2sLen*step)},
		{Name: "seq2seq-beam", Unit: "sentences/s", FlopsPerUnit: enc + s2sLen*s2sBeam*step},
		{Name: "caption-train", Unit: "images/s", FlopsPerUnit: captionTrain()},
	}
	return append(specs, gptSpecs()...)
}

// SpecFor returns the Spec named name.
func SpecFor(name string) (Spec, error) {
	for _, s := range Specs() {
		if s.Name == name {
			return s, nil
		}
	}
	return Spec{}, fmt.Errorf("no benchmark %q in the shared suite", name)
}

func group(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i]
		}
	}
	return name
}
