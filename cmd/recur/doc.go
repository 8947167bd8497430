// Command recur trains and runs sequence models: text generation
// (character, word and byte-level BPE; recurrent, GPT or n-gram),
// translation, image captioning and classification, all on one decoder
// package. Run `recur --help`, or `recur COMMAND --help` for each
// command's flags and defaults.
//
// Files: train.go (recur train, and train textgen; train_gpt.go its
// --arch gpt), train_translate.go (train translate), caption.go (recur
// caption, train caption and recur datasets; train_caption_splits.go the
// split files), classify.go (recur classify and train classify),
// generate.go, eval.go (with eval_caption.go and eval_perline.go),
// translate.go, convert.go, bench.go, logits.go, serve.go and tokenize.go
// (one command each), gpt.go (GPT-2 folders in logits and convert).
// main.go builds the app; flags.go has the flags several commands share;
// errors.go maps library errors to flags and notice.go prints notices
// once. The library packages do the work; this package maps their
// options to flags.
package main
