package cnn

import "github.com/recur-dev/recur/internal/jsonkeys"

// UnmarshalJSON reads a Config stored in a model file. Files written before
// Config's Size and Channels had JSON tags hold "Size", "Channels"; those
// still load (see jsonkeys).
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	return jsonkeys.Unmarshal(b, (*plain)(c))
}

// UnmarshalJSON reads an ImageConfig stored in a model file. Files written
// before ImageConfig had JSON tags hold the Go field names ("MaxPixels",
// "MaxFileBytes"); those still load (see jsonkeys).
func (c *ImageConfig) UnmarshalJSON(b []byte) error {
	type plain ImageConfig
	return jsonkeys.Unmarshal(b, (*plain)(c))
}
