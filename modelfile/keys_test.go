package modelfile

import "testing"

func TestIsLoaderKey(t *testing.T) {
	for _, c := range []struct {
		key  string
		want bool
	}{
		{"config", true}, {"vocab", true}, {"src_vocab", true}, {"tgt_vocab", true},
		{"src_bpe", true}, {"tgt_bpe", true}, {"labels", true},
		{"train.state", true}, {"train.adam", true},
		{"state.streams.pos", true}, {"recur.task", true},
		{"test.bleu", false}, {"train.steps", false}, {"configs", false}, {"notes", false},
	} {
		if got := IsLoaderKey(c.key); got != c.want {
			t.Errorf("IsLoaderKey(%q) = %v, want %v", c.key, got, c.want)
		}
	}
	keys := LoaderKeys()
	keys[0] = "changed"
	if !IsLoaderKey("config") {
		t.Error("LoaderKeys returned the package's own slice")
	}
}
