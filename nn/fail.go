package nn

import G "gorgonia.org/gorgonia"

// Fail records err as the graph's error (the first one wins; Compile
// returns it) and returns nil, for model code that finds its inputs do not
// fit.
func (g *Graph) Fail(err error) *G.Node { return g.fail(err) }
