package metrics

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestCocoTokenize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A dog runs on the grass.", "a dog runs on the grass"},
		{"The dog's toy, red!", "the dog 's toy red"},
		{"Two dogs don't fight; they play...", "two dogs do n't fight they play"},
		{"A man in a black-and-white T-shirt", "a man in a black-and-white t-shirt"},
		{"3.5 kg of apples, 1,000 pears", "3.5 kg of apples 1,000 pears"},
		{"\"Quoted\" (in brackets) [x] {y} -- dash - here", "quoted in brackets x y dash here"},
		{"It’s 5 o'clock & the kids' room", "it 's 5 o'clock & the kids room"},
		{"We're they've I'll he'd I'm", "we 're they 've i 'll he 'd i 'm"},
		{"a/b 50% $3 #1", "a / b 50 % $ 3 # 1"},
		{"  \t\n", ""},
		{"Ünïcode ÉCOLE", "ünïcode école"},
	}
	for _, tc := range tests {
		got := strings.Join(CocoTokenize(tc.in), " ")
		if got != tc.want {
			t.Errorf("CocoTokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// relNear compares with a relative tolerance of 1e-8: coco-caption's 1e-9 and
// 1e-15 constants move the hand-derived values by up to about 5e-10.
func relNear(a, b float64) bool { return math.Abs(a-b) <= 1e-8*math.Abs(b) }

func TestCocoBLEUGolden(t *testing.T) {
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		want [4]float64
	}{
		// One image, hypothesis "the cat sat on the mat" (6 words), references
		// "the cat is on the mat" (6) and "there is a cat on the mat" (7).
		// The closest reference length is 6, so BP = 1.
		//   1-grams: the×2 (max in one reference 2), cat, sat (0), on, mat →
		//            correct 5 of 6;
		//   2-grams: the cat, cat sat, sat on, on the, the mat → the cat,
		//            on the, the mat match: 3 of 5;
		//   3-grams: the cat sat, cat sat on, sat on the, on the mat → 1 of 4;
		//   4-grams: the cat sat on, cat sat on the, sat on the mat → 0 of 3.
		// BLEU-1 = 5/6 = 0.833333, BLEU-2 = (5/6 · 3/5)^(1/2) = √0.5 = 0.707107,
		// BLEU-3 = (0.5 · 1/4)^(1/3) = 0.5, and BLEU-4 = (0.125 · 1e-15/3)^(1/4)
		// = 8.0343e-5: only coco-caption's "tiny" keeps it above zero.
		{"one image", []string{"The cat sat on the mat."},
			[][]string{{"the cat is on the mat", "There is a cat on the mat!"}},
			[4]float64{5.0 / 6, math.Sqrt(0.5), 0.5, math.Pow(0.125*1e-15/3, 0.25)}},
		// Two images: "a dog" against "a dog runs" and "the brown dog" (both
		// 3 words: the tie goes to the shorter, r = 3), and "two cats"
		// against "two cats" (r = 2). Every 1- and 2-gram matches (4/4, 2/2);
		// there are no 3- or 4-grams, so p3 = p4 = (0 + 1e-15)/(0 + 1e-9) =
		// 1e-6. c = 4 < r = 5, so BP = exp(1 − 5/4) = 0.778801.
		// BLEU-1 = BLEU-2 = BP = 0.778801; BLEU-3 = BP · (1e-6)^(1/3) = 0.00778801;
		// BLEU-4 = BP · (1e-12)^(1/4) = 0.000778801.
		{"brevity penalty", []string{"A dog", "two cats"},
			[][]string{{"a dog runs", "the brown dog"}, {"Two cats."}},
			[4]float64{math.Exp(-0.25), math.Exp(-0.25), math.Exp(-0.25) * 0.01, math.Exp(-0.25) * 0.001}},
		// A clipped repeat: "the the the" against "the cat": 1-grams the×3,
		// clipped to 1 → 1/3; 2-grams "the the"×2 → 0/2; 3-grams 0/1; no
		// 4-grams, p4 = 1e-15/1e-9 = 1e-6; c = 3 > r = 2, BP = 1.
		// BLEU-1 = 1/3, BLEU-2 = (1/3 · 1e-15/2)^(1/2) = 1.29099e-8,
		// BLEU-3 = (1/3 · 1e-15/2 · 1e-15)^(1/3), BLEU-4 = (… · 1e-6)^(1/4).
		{"clipping", []string{"the the the"}, [][]string{{"the cat"}},
			[4]float64{1.0 / 3, math.Sqrt(1.0 / 3 * 1e-15 / 2), math.Pow(1.0/3*1e-15/2*1e-15, 1.0/3), math.Pow(1.0/3*1e-15/2*1e-15*1e-6, 0.25)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ScoreCaptions(tc.hyps, tc.refs)
			if err != nil {
				t.Fatal(err)
			}
			for k := range 4 {
				if !relNear(s.BLEU[k], tc.want[k]) {
					t.Errorf("BLEU-%d = %.10g, want %.10g", k+1, s.BLEU[k], tc.want[k])
				}
			}
		})
	}
}

func TestCIDErDGolden(t *testing.T) {
	// Both two-image corpora have ln M = ln 2 =: L, which cancels in every
	// cosine below.
	pen := math.Exp(-1.0 / 72) // a length difference of 1: exp(−1²/(2·6²)) = 0.9862071
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		want float64
		per  []float64
	}{
		// Image 1: "a dog" against "a dog"; image 2: "a cat" against "a bird".
		// df: "a" is in both images' references → weight ln2 − ln2 = 0; dog,
		// "a dog", bird, "a bird" are in one → weight ln 2 = L; cat and "a cat"
		// are in none → weight ln2 − ln max(1, 0) = L.
		// Image 1, order 1: h = r = {a: 0, dog: L}, ‖h‖ = ‖r‖ = L,
		//   s1 = min(L, L)·L / (L·L) = 1; order 2: {"a dog": L} both, s2 = 1;
		//   orders 3, 4: no n-grams, 0. Lengths equal (1 bigram each), no
		//   penalty. CIDEr-D_1 = 10 · (1 + 1 + 0 + 0)/4 / 1 reference = 5.
		// Image 2: no shared n-gram of non-zero weight ("a" weighs 0), so 0.
		// Corpus: (5 + 0)/2 = 2.5.
		{"shared and unseen n-grams", []string{"a dog", "a cat"}, [][]string{{"a dog"}, {"a bird"}}, 2.5, []float64{5, 0}},
		// Image 1: "dog dog dog" against "dog runs" and "a dog"; image 2:
		// "a cat" against "a cat sits". "a" is in both images' references
		// (weight 0); every other reference n-gram is in one (weight L); the
		// hypothesis-only n-grams "dog dog" and "dog dog dog" weigh L per
		// occurrence.
		// Image 1: h1 = {dog: 3L}, h2 = {"dog dog": 2L}, h3 = {"dog dog dog": L};
		//   length 2 bigrams.
		//   vs "dog runs" (length 1, δ = 1): r1 = {dog: L, runs: L}, ‖r1‖ = L√2;
		//     s1 = min(3L, L)·L / (3L · L√2) = 1/(3√2) = 0.2357023 — the
		//     clipping at work: without it 3L·L would give 1/√2;
		//     s2 = s3 = s4 = 0 (no shared n-gram).
		//   vs "a dog" (δ = 1): r1 = {a: 0, dog: L}, ‖r1‖ = L;
		//     s1 = L·L / (3L · L) = 1/3; the rest 0.
		//   CIDEr-D_1 = 10 · (1/4) · (1/2) · (0.2357023 + 0.3333333) · pen
		//             = 10 · 0.5690356 · 0.9862071 / 8 = 0.7014837.
		// Image 2: h1 = {a: 0, cat: L}, ‖h1‖ = L; h2 = {"a cat": L}, ‖h2‖ = L;
		//   length 1. Reference "a cat sits" (length 2, δ = −1):
		//   r1 = {a: 0, cat: L, sits: L}, ‖r1‖ = L√2; r2 = {"a cat": L,
		//   "cat sits": L}, ‖r2‖ = L√2; r3 = {"a cat sits": L}.
		//   s1 = L·L/(L·L√2) = 1/√2, s2 = 1/√2, s3 = s4 = 0 (h3 is empty).
		//   CIDEr-D_2 = 10 · (1/4) · (2/√2) · pen = 10 · 0.3535534 · 0.9862071
		//             = 3.4867687.
		// Corpus: (0.7014837 + 3.4867687)/2 = 2.0941262.
		{"clipping, length penalty, two references", []string{"Dog dog dog.", "A cat"},
			[][]string{{"dog runs", "a dog"}, {"A cat sits."}},
			(10*(1/(3*math.Sqrt(2))+1.0/3)*pen/8 + 10*math.Sqrt(2)*pen/4) / 2,
			[]float64{10 * (1/(3*math.Sqrt(2)) + 1.0/3) * pen / 8, 10 * math.Sqrt(2) * pen / 4}},
		// One image: ln M = ln 1 = 0 weighs every n-gram 0, so even a perfect
		// caption scores 0, as in coco-caption.
		{"one image scores 0", []string{"a dog"}, [][]string{{"a dog"}}, 0, []float64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, tr, err := tokenizeCaptions(tc.hyps, tc.refs)
			if err != nil {
				t.Fatal(err)
			}
			got, per, err := CIDErD(th, tr)
			if err != nil {
				t.Fatal(err)
			}
			if !relNear(got, tc.want) {
				t.Errorf("CIDEr-D = %.10g, want %.10g", got, tc.want)
			}
			for i := range per {
				if !relNear(per[i], tc.per[i]) {
					t.Errorf("image %d: %.10g, want %.10g", i, per[i], tc.per[i])
				}
			}
		})
	}
}

// TestCIDErDOrderFree: the corpus score does not depend on the order of
// the images.
func TestCIDErDOrderFree(t *testing.T) {
	hyps := []string{"a red circle", "a blue square above a red circle", "two dogs"}
	refs := [][]string{{"a red circle", "a circle"}, {"a blue square above a red circle"}, {"two black dogs", "dogs"}}
	a, _, err := CIDErD(hyps, refs)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := CIDErD([]string{hyps[2], hyps[0], hyps[1]}, [][]string{refs[2], refs[0], refs[1]})
	if !relNear(a, b) || a <= 0 {
		t.Errorf("CIDEr-D %v then %v after reordering", a, b)
	}
}

func TestCaptionScoresErrors(t *testing.T) {
	tests := []struct {
		name string
		hyps []string
		refs [][]string
		want string
	}{
		{"empty", nil, nil, "empty corpus"},
		{"lengths", []string{"a"}, [][]string{{"a"}, {"b"}}, "1 hypotheses but references for 2 images"},
		{"no reference", []string{"a", "b"}, [][]string{{"a"}, {}}, "image 1 (0-based) has no reference"},
		{"only punctuation", []string{"a"}, [][]string{{"..."}}, "image 0 (0-based) has only empty references"},
	}
	for _, tc := range tests {
		if _, err := ScoreCaptions(tc.hyps, tc.refs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCaptionScoresPerfect(t *testing.T) {
	hyps := []string{"a dog runs on the grass", "two children play in the snow", "a man rides a red bike"}
	refs := [][]string{{"A dog runs on the grass."}, {"Two children play in the snow!"}, {"a man rides a red bike"}}
	s, err := ScoreCaptions(hyps, refs)
	if err != nil {
		t.Fatal(err)
	}
	for k, b := range s.BLEU {
		if !relNear(b, 1) {
			t.Errorf("BLEU-%d of identical captions = %v, want 1", k+1, b)
		}
	}
	// Each image: every order's cosine is 1 and there is no length penalty,
	// so CIDEr-D = 10 · (1+1+1+1)/4 = 10.
	if !relNear(s.CIDErD, 10) {
		t.Errorf("CIDEr-D of identical captions = %v, want 10", s.CIDErD)
	}
	if got := s.String(); got != "BLEU-1 1.000 BLEU-2 1.000 BLEU-3 1.000 BLEU-4 1.000 CIDEr-D 10.000 (3 images)" {
		t.Errorf("String() = %q", got)
	}
}

func ExampleScoreCaptions() {
	hyps := []string{"A brown dog is running on the lawn.", "Two cats sleep on a sofa."}
	refs := [][]string{
		{"A dog is running on the grass.", "A brown dog runs across a lawn."},
		{"Two cats are sleeping on a sofa.", "Two cats sleep."},
	}
	s, err := ScoreCaptions(hyps, refs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Printf("%q\n", CocoTokenize("A dog's toy, isn't it?"))
	// Output:
	// BLEU-1 1.000 BLEU-2 0.913 BLEU-3 0.794 BLEU-4 0.595 CIDEr-D 4.075 (2 images)
	// ["a" "dog" "'s" "toy" "is" "n't" "it"]
}
