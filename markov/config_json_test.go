package markov

import (
	"encoding/json"
	"testing"
)

// TestConfigJSONGolden pins the keys a Config is stored under in textgen
// model files ("markov" section). The golden strings were written from the
// JSON tags and checked against json.Marshal when the tags were added; a
// failure here means the model-file format changed.
func TestConfigJSONGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"default", DefaultConfig(), `{"order":5,"smoothing":"kneser-ney","discount":0.75}`},
		{"witten-bell", Config{Order: 3, Smoothing: WittenBell, Discount: 0.5}, `{"order":3,"smoothing":"witten-bell","discount":0.5}`},
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

// TestConfigLegacyKeys reads the section as markov model files written
// before the JSON tags hold it (Go field names, as json.Marshal wrote them).
func TestConfigLegacyKeys(t *testing.T) {
	var got Config
	if err := json.Unmarshal([]byte(`{"Order":3,"Smoothing":"witten-bell","Discount":0.5}`), &got); err != nil {
		t.Fatal(err)
	}
	if want := (Config{Order: 3, Smoothing: WittenBell, Discount: 0.5}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
