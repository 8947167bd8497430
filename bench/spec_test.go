package bench

import "testing"

// The names, units and FLOPs per unit below are copied from the tables of
// shared/bench/README.md ("Workloads" and "FLOP accounting"); the peak/*
// kernels carry no FLOP constant because their value already is GFLOP/s.
func TestSpecsMatchReadme(t *testing.T) {
	want := []Spec{
		{"peak/sgemm-1024", "GFLOP/s", 0},
		{"peak/sgemm-4096", "GFLOP/s", 0},
		{"peak/sgemm-32x512x2048", "GFLOP/s", 0},
		{"peak/sgemv-4096x1024", "GFLOP/s", 0},
		{"peak/stream-512mib", "GB/s", 0},
		{"charlm-train/small-lstm", "chars/s", 836_352},
		{"charlm-train/medium-lstm", "chars/s", 25_365_504},
		{"charlm-train/medium-gru", "chars/s", 19_074_048},
		{"charlm-sample/medium-lstm-first-token", "ms", 1_691_033_600},
		{"charlm-sample/medium-lstm-tokens", "tokens/s", 8_455_168},
		{"seq2seq-train", "pairs/s", 264_978_432},
		{"seq2seq-beam", "sentences/s", 397_590_528},
		{"caption-train", "images/s", 280_633_344},
		// torch_ref.py's model_flops() (python3, the GPT rows).
		{"gpt-train/baby", "tokens/s", 4_968_192},
		{"gpt-train/small", "tokens/s", 67_403_520},
		{"gpt-sample/gpt2-124m-tokens", "tokens/s", 250_013_184},
		{"gpt-sample/gpt2-124m-first-token", "ms", 15_888_777_216},
	}
	got := Specs()
	if len(got) != len(want) {
		t.Fatalf("Specs() has %d entries, README lists %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("Specs()[%d] = %+v, README says %+v", i, got[i], w)
		}
	}
}

// Forward breakdowns from the README's FLOP table, checked piece by piece so
// a wrong formula is found where it is.
func TestFlopBreakdown(t *testing.T) {
	enc, step := seq2seqForward()
	tests := []struct {
		name      string
		got, want int64
	}{
		{"small-lstm forward", charLMForward(lstmGates, smallHidden, 1), 278_784},
		{"medium-lstm forward", charLMForward(lstmGates, mediumHidden, mediumLayers), 8_455_168},
		{"medium-gru forward", charLMForward(gruGates, mediumHidden, mediumLayers), 6_358_016},
		{"seq2seq encoder", enc, 11_010_048},
		{"seq2seq decoder step", step, 6_443_008},
		{"seq2seq forward", enc + s2sLen*step, 88_326_144},
		{"caption conv1", convFlops(64, 64, 3, 32, 3), 7_077_888},
		{"caption conv2", convFlops(32, 32, 32, 64, 3), 37_748_736},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, README says %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestSpecDirectionAndGroup(t *testing.T) {
	tests := []struct {
		name, group string
		higher      bool
	}{
		{"charlm-sample/medium-lstm-first-token", "charlm-sample", false},
		{"charlm-train/small-lstm", "charlm-train", true},
		{"seq2seq-train", "seq2seq-train", true},
	}
	for _, tt := range tests {
		s, err := SpecFor(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if s.Group() != tt.group || s.HigherIsBetter() != tt.higher {
			t.Errorf("%s: group %q higher %v, want %q %v", tt.name, s.Group(), s.HigherIsBetter(), tt.group, tt.higher)
		}
	}
	if _, err := SpecFor("nope"); err == nil {
		t.Error("SpecFor(nope) gave no error")
	}
}
