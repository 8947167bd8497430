package datasets

import (
	"slices"
	"strings"
)

// SceneTruths returns every caption the scene grammar (see RenderScene)
// makes true of a scene, as far as the scene's listed captions reveal it:
// a scene rendered with a few captions (say 3) lists only some of its
// true descriptions, and "exact match" against those few called a correct
// caption wrong (63% for the built-in captioner on scenes it describes
// correctly 98% of the time). The facts a listed caption states (each
// shape's size, colour and kind; the relation of two shapes) are read back
// and every caption the grammar derives from them is generated: mirrors
// ("B right of A" from "A left of B"), the size-free paraphrases, every
// order of a three-shape list, relations that compose (A left of B left
// of C: A left of C), and the one-shape forms when the scene has one shape. shapes is the scene's number of shapes when known (labels.tsv
// "count"), else 0: then a one-shape scene is recognised by a listed caption
// naming one shape. Every generated caption is true; a three-shape scene
// whose listed captions never relate some pair still lacks that pair's
// captions. The listed captions are always included; captions outside the
// grammar are kept as they are.
func SceneTruths(listed []string, shapes int) []string {
	known := map[string]Shape{} // by "colour kind", which is unique in a scene
	type rel struct{ a, b, r string }
	var rels []rel
	single := false
	for _, c := range listed {
		if parts := strings.Split(strings.ReplaceAll(c, " and ", ", "), ", "); len(parts) == 3 {
			for _, p := range parts {
				if sh, ok := parseFullNP(p); ok {
					known[sh.Colour+" "+sh.Kind] = sh
				}
			}
			continue
		}
		if sh, ok := parseFullNP(c); ok {
			known[sh.Colour+" "+sh.Kind] = sh
			single = true
			continue
		}
		for _, r := range []string{"left of", "right of", "above", "below"} {
			a, b, ok := strings.Cut(c, " "+r+" ")
			if !ok {
				continue
			}
			sa, okA := parseFullNP(a)
			sb, okB := parseFullNP(b)
			if okA && okB {
				known[sa.Colour+" "+sa.Kind], known[sb.Colour+" "+sb.Kind] = sa, sb
				rels = append(rels, rel{sa.Colour + " " + sa.Kind, sb.Colour + " " + sb.Kind, r})
			}
		}
	}
	out := slices.Clone(listed)
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if shapes == 1 || shapes == 0 && single && len(rels) == 0 {
		for _, sh := range known {
			add(phrase(sh, true, true))
			add(phrase(sh, false, true))
			add(phrase(sh, true, false))
		}
		return out
	}
	// One direction composes: A left of B and B left of C put C's centre
	// further right than B's along the dominant axis while the other
	// offset stays under half of it, so A is left of C.
	for grew := true; grew; {
		grew = false
		for _, x := range rels {
			for _, y := range rels {
				same := func(r rel) bool {
					return slices.ContainsFunc(rels, func(q rel) bool { return q == r || q == rel{r.b, r.a, inverse[r.r]} })
				}
				for _, yy := range []rel{y, {y.b, y.a, inverse[y.r]}} {
					if x.b == yy.a && x.r == yy.r && x.a != yy.b && !same(rel{x.a, yy.b, x.r}) {
						rels, grew = append(rels, rel{x.a, yy.b, x.r}), true
					}
				}
			}
		}
	}
	for _, r := range rels {
		a, b := known[r.a], known[r.b]
		add(phrase(a, true, true) + " " + r.r + " " + phrase(b, true, true))
		add(phrase(b, true, true) + " " + inverse[r.r] + " " + phrase(a, true, true))
		add(phrase(a, false, true) + " " + r.r + " " + phrase(b, false, true))
		add(phrase(b, false, true) + " " + inverse[r.r] + " " + phrase(a, false, true))
	}
	if len(known) == 3 && shapes != 2 {
		var sh []Shape
		for _, s := range known {
			sh = append(sh, s)
		}
		for _, o := range [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
			add(phrase(sh[o[0]], true, true) + ", " + phrase(sh[o[1]], true, true) + " and " + phrase(sh[o[2]], true, true))
		}
	}
	return out
}

// parseFullNP reads "a|an SIZE COLOUR KIND", the full noun phrase.
func parseFullNP(s string) (Shape, bool) {
	w := strings.Fields(s)
	if len(w) != 4 || w[0] != article(w[1]) || !slices.Contains(ShapeSizes, w[1]) || !slices.Contains(ShapeColours, w[2]) || !slices.Contains(ShapeKinds, w[3]) {
		return Shape{}, false
	}
	return Shape{Size: w[1], Colour: w[2], Kind: w[3]}, true
}
