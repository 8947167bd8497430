// Package modelfile reads and writes recur's model files.
//
// Every recur model (char LM, word LM, Markov baseline, translator,
// captioner, classifier) is stored as one self-describing file holding its
// configuration, vocabulary and weights. The layout is safetensors:
//
//	[8 bytes]  N, the header length, unsigned 64-bit little-endian
//	[N bytes]  UTF-8 JSON object:
//	           {"__metadata__": {"recur.format": "recur", "recur.version": "1",
//	                             "recur.task": "textgen",
//	                             "recur.sha256": "<64 hex digits>", ...},
//	            "rnn.weight_ih_l0": {"dtype": "F32", "shape": [512, 65],
//	                                 "data_offsets": [0, 133120]},
//	            ...}
//	[rest]     the data buffer: every tensor's raw little-endian, row-major
//	           bytes, back to back, in the order of their data_offsets
//
// so a recur model can be opened by any safetensors reader, and tensor names
// follow PyTorch's conventions (rnn.weight_ih_l0, embedding.weight, ...).
//
// Float tensors are always float32 in memory; F16 is only a storage choice
// that halves the file size (values are rounded to nearest, ties to even, on
// write and widened exactly on read). Integer tensors (e.g. vocabulary index
// tables) are I32.
//
// "recur.sha256" is the SHA-256 of the whole file computed with those 64
// digits set to '0' (see checksum.go): Read and Decode verify it and fail
// with ErrCorrupt on a mismatch, naming the file. Files written before the
// checksum existed load unverified (File.Verified false) and Read reports
// them in one line through the Notice hook.
//
// The reader treats its input as hostile: it checks every number in the
// header (lengths, shapes, offsets, overflow) before it allocates any tensor
// memory, and it never panics.
//
// ReadPlain reads any safetensors file with the same checks, and
// ReadGPT2Folder loads a Hugging Face GPT-2 checkpoint folder (config.json,
// model.safetensors, vocab.json, merges.txt) into recur's GPT layout,
// transposing GPT-2's Conv1D weights and checking every shape against the
// config before allocating. Write is atomic: a crash or an error never
// leaves a partial file under the destination name; RemoveStaleTemps
// clears the temporary files a killed writer left behind. IsLoaderKey names
// the metadata keys loaders read, which user-supplied metadata must not set.
//
// Files: file.go (File, Tensor, DType), encode.go (Encode, Write),
// decode.go (Read, ReadTask, Decode), checksum.go (the recur.sha256
// checksum), plain.go (ReadPlain, PlainCheck: files without recur's
// metadata), f16.go (float16 conversion), keys.go (the loader keys),
// stale.go and lock_unix.go / lock_other.go (temporary files a killed
// writer left), hfgpt2.go (ReadGPT2Folder: Hugging Face GPT-2 folders).
package modelfile
