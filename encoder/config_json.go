package encoder

import "github.com/recur-dev/recur/internal/jsonkeys"

// UnmarshalJSON reads an RNNConfig stored in a model file. Files written
// before RNNConfig had JSON tags hold the Go field names ("Cell",
// "Bidirectional"); those still load (see jsonkeys).
func (c *RNNConfig) UnmarshalJSON(b []byte) error {
	type plain RNNConfig
	return jsonkeys.Unmarshal(b, (*plain)(c))
}

// UnmarshalJSON reads an ImageConfig stored in a model file, accepting the
// Go field names as keys too (see jsonkeys).
func (c *ImageConfig) UnmarshalJSON(b []byte) error {
	type plain ImageConfig
	return jsonkeys.Unmarshal(b, (*plain)(c))
}
