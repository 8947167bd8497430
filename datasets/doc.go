// Package datasets turns files on disk into the token ids and batches the
// recur models train on.
//
// Tokens and vocabularies are package tokenizers; this package reads the
// files and splits and batches what they hold. The pieces, one file each:
//
//   - text.go: ReadText reads a UTF-8 corpus and reports bad files precisely
//     (path, byte offset, line).
//   - split.go: deterministic train/validation splits by token position.
//   - streams.go: char-rnn style contiguous training streams (truncated BPTT
//     with carried state) and the chunking used for validation.
//   - pairs.go: sentence pairs (tab-separated, Tatoeba layout) with
//     filtering and de-duplication; batches.go: padded, length-bucketed
//     batches of pairs.
//   - scenes.go renders the synthetic scenes.
//   - labelled.go: labelled text (label<TAB>text) and labelled images
//     (labels.tsv or one folder per class) for the classifiers.
//   - pyrand.go: Python's random.Random, so that splits match the PyTorch
//     reference scripts.
//   - captions.go, caption_flickr30k.go, caption_karpathy.go: caption files
//     (Flickr8k/Flickr30k token files and CSVs, COCO JSON, Karpathy split
//     JSON); caption_layouts.go finds them in a data folder
//     (FindCaptionLayout); caption_splits.go divides it into train, val and
//     test by the folder's split files or at random (LoadCaptionSplits);
//     caption_list.go writes and reads the test list kept beside a model.
//
// Data flows one way: files → datasets (tokens, batches) → encoder → decoder
// → models and tasks. Nothing in this package depends on the model code.
//
// A typical word-level pipeline, matching the reference run:
//
//	text, err := datasets.ReadText("tinyshakespeare.txt")
//	trainText, _, err := datasets.SplitTextTrainVal(text, "word", true, 0.1)
//	tok, err := tokenizers.BuildWord(trainText, tokenizers.DefaultWordConfig())
//	ids, unknown := tok.Encode(text)
//	train, val, err := datasets.SplitTrainVal(ids, 0.1)
//	streams, err := datasets.NewStreams(train, 32, 35)
package datasets
