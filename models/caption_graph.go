package models

// CaptionBatchGraph is a Captioner's training (or evaluation) graph for B
// images and captions of T steps, exposed for benchmarks and tools that
// drive training themselves.
type CaptionBatchGraph struct{ cg *capGraph }

// NewBatchGraph compiles the graph; train adds the backward pass.
func (m *Captioner) NewBatchGraph(B, T int, train bool, seed uint64) (*CaptionBatchGraph, error) {
	cg, err := m.buildGraph(B, T, train, seed)
	if err != nil {
		return nil, err
	}
	return &CaptionBatchGraph{cg: cg}, nil
}

// Fill lays out B preprocessed images (CHW) and one caption of token ids
// each; it returns the number of real targets.
func (b *CaptionBatchGraph) Fill(images [][]float32, captions [][]int) int {
	return b.cg.fill(images, captions)
}

// Run trains one step (forward, backward, gradients into Params) and
// returns the mean loss per target; step seeds the dropout masks.
func (b *CaptionBatchGraph) Run(step int) (float32, error) {
	b.cg.g.Step = uint64(step)
	return b.cg.machine.Run()
}

// Forward runs the forward pass only (evaluation graphs) and returns the
// mean loss per target.
func (b *CaptionBatchGraph) Forward() (float32, error) { return b.cg.machine.Forward() }
