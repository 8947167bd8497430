package metrics

import (
	"fmt"
	"strconv"
)

// nrefsField is sacrebleu's "nrefs" signature value: the number of
// references per segment, or "var" when it varies (pass a negative n).
func nrefsField(n int) string {
	if n < 0 {
		return "nrefs:var"
	}
	return "nrefs:" + strconv.Itoa(n)
}

// either is a signature field's value: yes when cond holds, else no.
func either(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// Signature returns sacrebleu's reproducibility signature for this BLEU
// configuration, without the trailing "|version:..." field since this is not
// sacrebleu, e.g. "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp". Smoothing
// methods with a constant show it, as in "smooth:floor[0.10]". nrefs < 0
// stands for a variable number of references ("nrefs:var"). A MaxOrder
// other than 4 is not part of sacrebleu's signature; it is appended as
// "|order:N" so that the string still identifies the metric.
func (c BLEUConfig) Signature(nrefs int) string {
	cs, eff := either(c.Lowercase, "lc", "mixed"), either(c.EffectiveOrder, "yes", "no")
	smooth := c.Smooth
	if c.Smooth == "floor" || c.Smooth == "add-k" {
		smooth += fmt.Sprintf("[%.2f]", c.smoothValue())
	}
	s := fmt.Sprintf("%s|case:%s|eff:%s|tok:%s|smooth:%s", nrefsField(nrefs), cs, eff, c.Tokenize, smooth)
	if c.MaxOrder != 4 {
		s += "|order:" + strconv.Itoa(c.MaxOrder)
	}
	return s
}

// Signature returns sacrebleu's reproducibility signature for this chrF
// configuration, without the version field, e.g.
// "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no". "eff:yes" means the
// default effective-order averaging, "eff:no" eps smoothing. A Beta other
// than 2 is not part of sacrebleu's signature (it is in the metric name,
// see [ChrFScore.Name]).
func (c ChrFConfig) Signature(nrefs int) string {
	cs, eff := either(c.Lowercase, "lc", "mixed"), either(c.EpsSmoothing, "no", "yes")
	space := either(c.Whitespace, "yes", "no")
	return fmt.Sprintf("%s|case:%s|eff:%s|nc:%d|nw:%d|space:%s", nrefsField(nrefs), cs, eff, c.CharOrder, c.WordOrder, space)
}
