package cnn

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/recur-dev/recur/modelfile"
)

// TestConfigJSONGolden pins the keys the CNN and image configs are stored
// under in model files. The golden strings were written from the JSON tags
// (snake_case, like the rest of the header) and checked against
// json.Marshal when the tags were added; a failure here means the
// model-file format changed.
func TestConfigJSONGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  any
		want string
	}{
		{"net default", DefaultConfig(), `{"size":64,"channels":[32,64,128]}`},
		{"net full", Config{Size: 32, Channels: []int{8, 16}, Coords: true, BatchNorm: true},
			`{"size":32,"channels":[8,16],"coords":true,"batch_norm":true}`},
		{"image default", DefaultInputConfig(),
			`{"size":64,"max_pixels":89478485,"max_file_bytes":52428800,"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}`},
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

// TestImageConfigLegacyKeys reads the "image" section of the built-in
// caption model's header, as written before the JSON tags (copied from
// builtin/caption.model), and the section in the file itself.
func TestImageConfigLegacyKeys(t *testing.T) {
	const legacy = `{"Size":64,"MaxPixels":89478485,"MaxFileBytes":52428800,"Mean":[0.485,0.456,0.406],"Std":[0.229,0.224,0.225]}`
	var got InputConfig
	if err := json.Unmarshal([]byte(legacy), &got); err != nil {
		t.Fatal(err)
	}
	if got != DefaultInputConfig() {
		t.Errorf("got %+v, want the defaults %+v", got, DefaultInputConfig())
	}
	path := filepath.Join("..", "builtin", "caption.model")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("built-in model %s not in this checkout: %v", path, err)
	}
	f, err := modelfile.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct {
		Image InputConfig `json:"image"`
	}
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &hdr); err != nil {
		t.Fatal(err)
	}
	if hdr.Image != DefaultInputConfig() {
		t.Errorf("%s: image config %+v, want the defaults it was trained with", path, hdr.Image)
	}
}
