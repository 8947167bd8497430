package markov

import "github.com/recur-dev/recur/internal/jsonkeys"

// UnmarshalJSON reads a Config stored in a model file. Files written before
// Config had JSON tags hold "Order", "Smoothing", "Discount"; those still
// load (see jsonkeys).
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	return jsonkeys.Unmarshal(b, (*plain)(c))
}
