package nn

import "github.com/recur-dev/recur/internal/jsonkeys"

// UnmarshalJSON reads an AdamConfig stored in a checkpoint. Checkpoints
// written before AdamConfig had JSON tags hold the Go field names ("LR",
// "DecayRate"); those still load (see jsonkeys).
func (c *AdamConfig) UnmarshalJSON(b []byte) error {
	type plain AdamConfig
	return jsonkeys.Unmarshal(b, (*plain)(c))
}
