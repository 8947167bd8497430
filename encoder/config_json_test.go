package encoder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/recur-dev/recur/cnn"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
)

// TestConfigJSONGolden pins the keys the encoder configs are stored under
// in model files. The golden strings were written from the JSON tags
// (snake_case, like the rest of the header) and checked against
// json.Marshal when the tags were added; a failure here means the
// model-file format changed.
func TestConfigJSONGolden(t *testing.T) {
	full := ImageConfig{CNN: cnn.Config{Size: 32, Channels: []int{8, 16}, Coords: true, BatchNorm: true},
		Attention: true, Init: "flat", GridCoords: true}
	for _, tc := range []struct {
		name string
		cfg  any
		want string
	}{
		{"rnn default", DefaultRNNConfig(), `{"cell":"gru","vocab":0,"embed":256,"hidden":256,"layers":1,"bidirectional":true,"dropout":0}`},
		{"rnn full", RNNConfig{Cell: nn.LSTM, Vocab: 10, Embed: 8, Hidden: 16, Layers: 2, Bidirectional: true, Dropout: 0.3},
			`{"cell":"lstm","vocab":10,"embed":8,"hidden":16,"layers":2,"bidirectional":true,"dropout":0.3}`},
		{"image default", DefaultImageConfig(), `{"cnn":{"size":64,"channels":[32,64,128]},"attention":false}`},
		{"image full", full, `{"cnn":{"size":32,"channels":[8,16],"coords":true,"batch_norm":true},"attention":true,"init":"flat","grid_coords":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("stored format changed:\n got %s\nwant %s", b, tc.want)
			}
			back := reflect.New(reflect.TypeOf(tc.cfg))
			if err := json.Unmarshal(b, back.Interface()); err != nil || !reflect.DeepEqual(back.Elem().Interface(), tc.cfg) {
				t.Errorf("round trip: %+v, %v", back.Elem(), err)
			}
		})
	}
}

// TestConfigLegacyKeys reads the encoder sections of the built-in models'
// headers as they were written before the JSON tags, copied here from
// builtin/en-fr.model and builtin/caption.model.
func TestConfigLegacyKeys(t *testing.T) {
	var r RNNConfig
	if err := json.Unmarshal([]byte(`{"Cell":"gru","Vocab":3708,"Embed":128,"Hidden":256,"Layers":1,"Bidirectional":true,"Dropout":0}`), &r); err != nil {
		t.Fatal(err)
	}
	if want := (RNNConfig{Cell: nn.GRU, Vocab: 3708, Embed: 128, Hidden: 256, Layers: 1, Bidirectional: true}); r != want {
		t.Errorf("rnn: got %+v, want %+v", r, want)
	}
	var im ImageConfig
	if err := json.Unmarshal([]byte(`{"cnn":{"Size":64,"Channels":[16,32,64],"coords":true},"attention":true,"init":"flat","grid_coords":true}`), &im); err != nil {
		t.Fatal(err)
	}
	want := ImageConfig{CNN: cnn.Config{Size: 64, Channels: []int{16, 32, 64}, Coords: true}, Attention: true, Init: "flat", GridCoords: true}
	if !reflect.DeepEqual(im, want) {
		t.Errorf("image: got %+v, want %+v", im, want)
	}
}

// TestBuiltinEncoderConfigs decodes the encoder section of the built-in
// translation and captioning models' headers as stored in the files.
func TestBuiltinEncoderConfigs(t *testing.T) {
	for _, tc := range []struct {
		file string
		want any
	}{
		{"en-fr.model", RNNConfig{Cell: nn.GRU, Vocab: 3708, Embed: 128, Hidden: 256, Layers: 1, Bidirectional: true}},
		{"caption.model", ImageConfig{CNN: cnn.Config{Size: 64, Channels: []int{16, 32, 64}, Coords: true}, Attention: true, Init: "flat", GridCoords: true}},
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
			var sections struct {
				Encoder json.RawMessage `json:"encoder"`
			}
			if err := json.Unmarshal([]byte(f.Metadata["config"]), &sections); err != nil {
				t.Fatal(err)
			}
			got := reflect.New(reflect.TypeOf(tc.want))
			if err := json.Unmarshal(sections.Encoder, got.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), tc.want) {
				t.Errorf("%s decoded to %+v, want %+v", sections.Encoder, got.Elem(), tc.want)
			}
		})
	}
}
