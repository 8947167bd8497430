// Package metrics scores machine translation and captioning output with
// corpus-level BLEU and chrF, reproducing the numbers of sacrebleu 2.x
// (Post, 2018) with its default settings.
//
// BLEU (Papineni et al., 2002) is computed the way sacrebleu's BLEU class
// does it: each segment is optionally lowercased, right-stripped and
// tokenized with the "13a" tokenizer (the rules of mteval-v13a.pl, see
// [Tokenize13a]); clipped n-gram matches (n = 1..4) and hypothesis n-gram
// totals are summed over the whole corpus, as are the hypothesis length and
// the length of the reference closest in length to each hypothesis (ties go
// to the shorter reference). The score is the geometric mean of the n-gram
// precisions times the brevity penalty exp(1 - r/c) (when c < r), with
// sacrebleu's "exp" smoothing of zero-match orders by default.
//
// chrF (Popović, 2015) and chrF++ (Popović, 2017) are computed as sacrebleu's
// CHRF class: character n-grams of orders 1..6 from the segment with all
// whitespace removed (plus word uni- and bi-grams for chrF++), per-segment
// [hyp, ref, match] counts summed over the corpus, precision and recall
// averaged over the orders that occur, then combined into an F-beta score
// with beta = 2.
//
// Scores are on sacrebleu's 0-100 scale. Inputs follow sacrebleu's layout:
// hypotheses is one stream of segments and references is a list of
// reference streams, refs[k][i] being the k-th reference of segment i. An
// empty reference string means "no k-th reference for this segment"
// (sacrebleu's variable number of references); a segment whose references
// are all empty is an error, as in sacrebleu.
//
// Captioning is scored as the COCO caption evaluation code (coco-caption)
// scores it, since that is what captioning papers report: [CocoTokenize]
// (lowercase, PTB-like tokens, punctuation deleted), corpus BLEU-1..4 with
// coco-caption's constants and closest reference length ([CocoBLEU]) and
// CIDEr-D with document frequencies from the evaluated corpus ([CIDErD]);
// [ScoreCaptions] does all three. These are on coco-caption's scales (BLEU
// 0..1, CIDEr-D 0..10) and take references grouped per image.
//
// Known, deliberate differences from sacrebleu are documented on the
// functions concerned: the BLEU tokenizers are "13a", "zh", "char" and
// "none" (sacrebleu's "ja-mecab", "ko-mecab", "intl", "flores" and "spm" are
// missing; [TokenizerFor] picks "char" for Japanese instead of "ja-mecab"),
// and invalid UTF-8 bytes (which Python cannot even read) count as one
// character each. The chosen tokenizer is in the signature ("tok:zh").
//
// Files: bleu.go (BLEU, its config, statistics and score), chrf.go
// (chrF), signature.go (sacrebleu's signatures), tokenize.go (13a),
// tokenize_cjk.go (char, zh, TokenizerFor), coco_tokenize.go (coco-caption's
// tokenization), coco_bleu.go (CocoBLEU, ScoreCaptions), cider.go (CIDErD).
package metrics
