package decoder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
)

// fullConfig sets every field, so the golden test sees every key.
var fullConfig = Config{Cell: nn.GRU, Vocab: 100, Embed: 32, Hidden: 64, Layers: 1, Dropout: 0.2,
	EmbedDropout: 0.1, Attention: "additive", AttentionDim: 48, Memory: 66, InputFeeding: true}

// TestConfigJSONGolden pins the keys a Config is stored under in model
// files. The golden strings were written from the JSON tags (snake_case,
// like the rest of the header) and checked against json.Marshal when the
// tags were added; a failure here means the model-file format changed.
func TestConfigJSONGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"default", DefaultConfig(), `{"cell":"lstm","vocab":0,"embed":64,"hidden":256,"layers":2,"dropout":0.1}`},
		{"full", fullConfig, `{"cell":"gru","vocab":100,"embed":32,"hidden":64,"layers":1,"dropout":0.2,"embed_dropout":0.1,"attention":"additive","attention_dim":48,"memory":66,"input_feeding":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("stored format changed:\n got %s\nwant %s", b, tc.want)
			}
			var back Config
			if err := json.Unmarshal(b, &back); err != nil || back != tc.cfg {
				t.Errorf("round trip: %+v, %v", back, err)
			}
		})
	}
}

// TestConfigLegacyKeys reads the decoder sections of the built-in models'
// headers as they were written (Go field names, before the JSON tags),
// copied here from builtin/caption.model and builtin/shakespeare.model.
func TestConfigLegacyKeys(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     Config
	}{
		{"caption", `{"Cell":"gru","Vocab":25,"Embed":32,"Hidden":128,"Layers":1,"Dropout":0,"Attention":"additive","AttentionDim":128,"Memory":66,"InputFeeding":true}`,
			Config{Cell: nn.GRU, Vocab: 25, Embed: 32, Hidden: 128, Layers: 1, Attention: "additive", AttentionDim: 128, Memory: 66, InputFeeding: true}},
		{"shakespeare", `{"Cell":"lstm","Vocab":66,"Embed":64,"Hidden":256,"Layers":2,"Dropout":0.1}`,
			Config{Cell: nn.LSTM, Vocab: 66, Embed: 64, Hidden: 256, Layers: 2, Dropout: 0.1}},
		{"embed dropout", `{"Cell":"lstm","EmbedDropout":0.25}`, Config{Cell: nn.LSTM, EmbedDropout: 0.25}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got Config
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestBuiltinDecoderConfigs reads the decoder section of every built-in
// model file's header and checks it decodes to a valid Config with its
// attention settings intact (AttentionDim is the key case-insensitive
// matching alone would lose).
func TestBuiltinDecoderConfigs(t *testing.T) {
	for _, tc := range []struct {
		file         string
		attentionDim int
	}{
		{"caption.model", 128}, {"en-fr.model", 256}, {"shakespeare.model", 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("..", "builtin", tc.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("built-in model %s not in this checkout: %v", path, err)
			}
			f, err := modelfile.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			var hdr struct {
				Decoder Config `json:"decoder"`
			}
			if err := json.Unmarshal([]byte(f.Metadata["config"]), &hdr); err != nil {
				t.Fatal(err)
			}
			if err := hdr.Decoder.Validate(); err != nil {
				t.Errorf("%+v: %v", hdr.Decoder, err)
			}
			if hdr.Decoder.AttentionDim != tc.attentionDim {
				t.Errorf("AttentionDim %d, want %d", hdr.Decoder.AttentionDim, tc.attentionDim)
			}
		})
	}
}
