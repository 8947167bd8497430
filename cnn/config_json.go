package cnn

import "github.com/recur-dev/recur/internal/jsonkeys"

// UnmarshalJSON reads a Config stored in a model file. Files written before
// Config's Size and Channels had JSON tags hold "Size", "Channels"; those
// still load (see jsonkeys).
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	return jsonkeys.Unmarshal(b, (*plain)(c))
}

// UnmarshalJSON reads an InputConfig stored in a model file. Files written
// before InputConfig had JSON tags hold the Go field names ("MaxPixels",
// "MaxFileBytes"); those still load (see jsonkeys).
func (c *InputConfig) UnmarshalJSON(b []byte) error {
	type plain InputConfig
	return jsonkeys.Unmarshal(b, (*plain)(c))
}
