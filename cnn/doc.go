// Package cnn is recur's CNN feature extractor and image preprocessing: a
// small convolutional network turns an image into the feature vector that
// starts the shared RNN decoder when captioning.
//
// image.go loads and preprocesses images:
//
//	x, err := cnn.LoadImage("testdata/scene.png", cnn.DefaultInputConfig())
//	// x is a 3×64×64 CHW []float32, normalised per channel
//
// Preprocessing follows the torchvision recipe the reference models use:
// resize the short side to Size (the long side is truncated, as Python's
// int() does), centre-crop Size×Size (the offset rounded half to even, as
// Python's round() does), then (x/255 - mean)/std per channel. Resampling is
// imaging's triangle (bilinear) filter, whose support widens when
// downscaling, like PIL's BILINEAR; values therefore agree with a PIL-based
// pipeline to within a grey level or so, not bit for bit.
//
// # Untrusted input
//
// Images come from users (files, HTTP uploads), so loading is defensive and
// never panics:
//
//   - the file size is checked against MaxFileBytes before it is read;
//   - the format is sniffed from the magic bytes, and only then is the
//     header read with image.DecodeConfig, so that width×height can be
//     checked against MaxPixels (overflow-safe) before any pixel buffer is
//     allocated. A 34-byte GIF claiming 65535×65535 pixels is rejected in
//     microseconds;
//   - a PNG whose header promises more pixel data than its compressed size
//     could possibly hold (deflate cannot do better than 1032:1) is
//     rejected before decoding, so a truncated PNG cannot make the decoder
//     allocate a large image either;
//   - only then is the image decoded, with EXIF orientation applied
//     (imaging.AutoOrientation), and a decoder panic, should one ever
//     happen, is turned into an error naming the file.
//
// net.go is the feature extractor: blocks of conv 3×3 (padding 1) → ReLU →
// max-pool 2×2, channels 3→32→64→128 on 64×64 by default, giving an 8×8
// grid of 128-wide vectors (attention memory, time-major [S·B, C]) and
// their average (the vector that starts the decoder):
//
//	net, _ := cnn.New(cnn.DefaultConfig(), seed)
//	grid, pooled, err := net.Graph(g, images, B) // training graph
//	f, err := net.Extract(batch)                 // inference
//
// Each block is one fused kernel of package nn (conv 3×3 → ReLU → max-pool
// 2×2): per image an im2col unfolding and one product on recur's SIMD
// sgemm, the backward pass recomputing the unfolding rather than storing
// it. It replaced gorgonia's Conv2d, Rectify and MaxPool2D chain, which
// computed the same (the built-in captioner was trained with it and scores
// identically) but spent most of its time in strided iterators and
// transposes: the caption-train benchmark went from 79 to 201 images/s on
// one core (PyTorch: 183), its peak RSS from 870 to 109 MiB.
//
// With Config.BatchNorm each block's output goes through nn's BatchNorm2d
// kernel (after the pooling, which keeps the fused kernel whole and
// normalises a quarter as many values): batch statistics in a training
// graph, running estimates in Extract and every inference graph.
//
// Config and InputConfig are stored in model files under snake_case JSON
// keys ("max_pixels"); files written with Go field names ("MaxPixels")
// still load.
//
// # Formats: PNG, JPEG and GIF only
//
// recur registers exactly the decoders it needs (image/png, image/jpeg,
// image/gif; GIFs give their first frame). The imaging library imports
// golang.org/x/image/bmp and golang.org/x/image/tiff, which register BMP
// and TIFF with package image as a side effect, so image.DecodeConfig would
// accept them. recur rejects them deliberately, by sniffing the magic bytes
// before any decoder runs: the TIFF decoder in particular has a history of
// denial-of-service bugs (fixed in golang.org/x/image v0.43.0 and earlier
// releases; go.mod requires v0.48.0), neither format is used by the
// captioning datasets, and keeping the accepted set small keeps the attack
// surface and the documentation honest. Convert such files to PNG first.
// The format name returned by DecodeConfig is checked against the same list
// as a second line of defence.
//
// config_json.go reads Config and InputConfig stored in model files under
// older JSON keys.
package cnn
