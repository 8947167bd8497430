package models

import (
	"context"

	"github.com/recur-dev/recur/datasets"
	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/nn"
)

// EvalGraph scores a token sequence with a forward-only graph: the
// sequence is cut into chunks (datasets.EvalChunks) laid side by side as a
// batch and read in windows, state carried from window to window; positions
// past a chunk's end are ignored by the loss.
type EvalGraph struct {
	machine *nn.Machine
	state   *nn.RNNRun
	x, y    []int
	inputs  [][]int
	targets [][]int
	batch   int
	seq     int
}

// NewEvalGraph builds the forward-only graph for ids cut into chunks
// sequences read seq positions at a time with dec's weights.
func NewEvalGraph(dec *decoder.Decoder, ids []int, chunks, seq int) (*EvalGraph, error) {
	in, tg := datasets.EvalChunks(ids, chunks)
	B := len(in)
	e := &EvalGraph{inputs: in, targets: tg, batch: B, seq: seq, x: make([]int, B*seq), y: make([]int, B*seq)}
	g := nn.NewGraph(false, 0)
	logits, run := dec.Graph(g, g.Ints("ids", e.x), B)
	loss := g.CrossEntropy(logits, g.Ints("targets", e.y), 0)
	m, err := g.CompileForward(loss)
	if err != nil {
		return nil, err
	}
	e.machine, e.state = m, run
	return e, nil
}

// Run returns the mean NLL (nats) over all targets; ctx stops it between
// windows.
func (e *EvalGraph) Run(ctx context.Context) (float64, error) {
	e.state.ResetState()
	longest := 0
	for _, c := range e.inputs {
		longest = max(longest, len(c))
	}
	var total float64
	var count int
	for start := 0; start < longest; start += e.seq {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		n := 0
		for t := 0; t < e.seq; t++ {
			for b := 0; b < e.batch; b++ {
				k := t*e.batch + b
				if p := start + t; p < len(e.inputs[b]) {
					e.x[k], e.y[k] = e.inputs[b][p], e.targets[b][p]
					n++
				} else {
					e.x[k], e.y[k] = 0, nn.IgnoreTarget
				}
			}
		}
		loss, err := e.machine.Forward()
		if err != nil {
			return 0, err
		}
		e.state.CarryState()
		total += float64(loss) * float64(n)
		count += n
	}
	return total / float64(count), nil
}
