package nn

import (
	"encoding/json"
	"testing"
)

// TestAdamConfigJSONGolden pins the keys an AdamConfig is stored under in
// checkpoints. The golden string was written from the JSON tags and checked
// against json.Marshal when the tags were added; a failure here means the
// checkpoint format changed.
func TestAdamConfigJSONGolden(t *testing.T) {
	const want = `{"lr":0.002,"beta1":0.9,"beta2":0.999,"eps":1e-8,"clip":5,"decay_rate":0.97,"decay_every":250}`
	b, err := json.Marshal(DefaultAdamConfig())
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("stored format changed:\n got %s\nwant %s", b, want)
	}
	var back AdamConfig
	if err := json.Unmarshal(b, &back); err != nil || back != DefaultAdamConfig() {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

// TestAdamConfigLegacyKeys reads the config as checkpoints written before
// the JSON tags hold it (Go field names, as json.Marshal wrote them).
func TestAdamConfigLegacyKeys(t *testing.T) {
	const legacy = `{"LR":0.002,"Beta1":0.9,"Beta2":0.999,"Eps":1e-8,"Clip":5,"DecayRate":0.97,"DecayEvery":250}`
	var got AdamConfig
	if err := json.Unmarshal([]byte(legacy), &got); err != nil {
		t.Fatal(err)
	}
	if got != DefaultAdamConfig() {
		t.Errorf("got %+v, want %+v", got, DefaultAdamConfig())
	}
}
