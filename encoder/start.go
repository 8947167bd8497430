package encoder

import "github.com/recur-dev/recur/decoder"

// startRow sets row r of a fresh decoder state to what an encoder made of
// one input: per decoder layer the initial hidden state h[l] (and cell
// state c[l], nil for none or a GRU), and, when the decoder attends, its
// memory of cells vectors.
func startRow(dec *decoder.Decoder, s *decoder.State, r int, h, c [][]float32, memory []float32, cells int) {
	H := dec.Config.Hidden
	for l := range s.H {
		copy(s.H[l][r*H:(r+1)*H], h[l])
		if s.C != nil && c != nil {
			copy(s.C[l][r*H:(r+1)*H], c[l])
		}
	}
	if dec.Attn != nil {
		dec.SetMemory(s, r, memory, cells)
	}
}
