// Package jsonkeys lets a config struct stored in recur model files keep
// loading after its JSON keys changed spelling.
//
// The first model files were written before the config structs carried JSON
// tags, so they hold Go field names ("Cell", "AttentionDim") where files
// written now hold snake_case tags ("cell", "attention_dim"). encoding/json
// already matches keys case-insensitively, which covers one-word names, but
// not "AttentionDim" against "attention_dim". Unmarshal closes that gap: a
// key is matched to a field when both agree after lowercasing and dropping
// underscores.
//
// Files: jsonkeys.go (Unmarshal).
package jsonkeys
