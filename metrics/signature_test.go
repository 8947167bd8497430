package metrics

import "testing"

func TestSignature(t *testing.T) {
	floor := DefaultBLEUConfig()
	floor.Smooth = "floor"
	addk := DefaultSentenceBLEUConfig()
	addk.Smooth, addk.SmoothValue, addk.Lowercase = "add-k", 2, true
	pp := DefaultChrFConfig()
	pp.WordOrder = 2
	tests := []struct{ got, want, source string }{
		// sacrebleu README.md: "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0"
		{DefaultBLEUConfig().Signature(2), "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp", "README"},
		// README, variable number of references: "nrefs:var|case:mixed|..."
		{DefaultBLEUConfig().Signature(-1), "nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp", "README"},
		// BLEUSignature formats the smoothing value with "%.2f" in brackets.
		{floor.Signature(1), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]", "bleu.py BLEUSignature"},
		{addk.Signature(1), "nrefs:1|case:lc|eff:yes|tok:13a|smooth:add-k[2.00]", "bleu.py BLEUSignature"},
		// CHRFSignature: case, eff (yes unless eps smoothing), nc, nw, space.
		{DefaultChrFConfig().Signature(1), "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no", "chrf.py CHRFSignature"},
		{pp.Signature(1), "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no", "chrf.py CHRFSignature"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("signature %q, want %q (%s)", tc.got, tc.want, tc.source)
		}
	}
}
