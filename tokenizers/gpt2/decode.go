package gpt2

import (
	"fmt"
	"unicode/utf8"
)

// DecodeBytes returns the bytes the ids stand for, exactly: for any byte
// string x, DecodeBytes(EncodeIDs(x, false)) is x. "<|endoftext|>" decodes
// to its own text. An id out of range is an error naming it.
func (t *Tokenizer) DecodeBytes(ids []int) ([]byte, error) {
	var out []byte
	for i, id := range ids {
		if id < 0 || id >= len(t.raw) {
			return nil, fmt.Errorf("token %d (position %d) is out of range (valid: 0 to %d)", id, i, len(t.raw)-1)
		}
		out = append(out, t.raw[id]...)
	}
	return out, nil
}

// Decode returns the text of ids as Python's GPT-2 tokenizer does
// (bytes.decode("utf-8", errors="replace")): each maximal invalid UTF-8
// sequence becomes one U+FFFD. An id out of range also decodes as U+FFFD;
// use DecodeBytes to have it reported.
func (t *Tokenizer) Decode(ids []int) string {
	var buf []byte
	for _, id := range ids {
		if id < 0 || id >= len(t.raw) {
			buf = append(buf, "\uFFFD"...)
			continue
		}
		buf = append(buf, t.raw[id]...)
	}
	out, _ := appendValid(nil, buf, true)
	return string(out)
}

// appendValid appends src to dst as valid UTF-8, replacing each maximal
// invalid subpart (Unicode's "substitution of maximal subparts", which
// Python's decoder follows) with U+FFFD. If final is false, an incomplete
// but so-far valid sequence at the end of src is left unconsumed: n is the
// number of bytes of src consumed.
func appendValid(dst, src []byte, final bool) (out []byte, n int) {
	i := 0
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		need, lo, hi := seqInfo(c)
		if need == 0 { // not a lead byte
			dst = append(dst, "\uFFFD"...)
			i++
			continue
		}
		k := 1
		for ; k <= need; k++ {
			if i+k >= len(src) {
				break
			}
			b := src[i+k]
			if k > 1 {
				lo, hi = 0x80, 0xBF
			}
			if b < lo || b > hi {
				break
			}
		}
		switch {
		case k > need: // complete
			dst = append(dst, src[i:i+k]...)
			i += k
		case i+k >= len(src) && !final: // a valid prefix, cut by the end
			return dst, i
		default: // the maximal subpart src[i:i+k] is invalid
			dst = append(dst, "\uFFFD"...)
			i += k
		}
	}
	return dst, i
}

// seqInfo returns how many continuation bytes follow lead byte c and the
// valid range of the first one (which excludes overlong forms, surrogates
// and values above U+10FFFF); need is 0 when c cannot start a sequence.
func seqInfo(c byte) (need int, lo, hi byte) {
	switch {
	case 0xC2 <= c && c <= 0xDF:
		return 1, 0x80, 0xBF
	case c == 0xE0:
		return 2, 0xA0, 0xBF
	case c == 0xED:
		return 2, 0x80, 0x9F
	case 0xE1 <= c && c <= 0xEF:
		return 2, 0x80, 0xBF
	case c == 0xF0:
		return 3, 0x90, 0xBF
	case 0xF1 <= c && c <= 0xF3:
		return 3, 0x80, 0xBF
	case c == 0xF4:
		return 3, 0x80, 0x8F
	}
	return 0, 0, 0
}

// StreamDecoder turns ids into text one at a time, as a model generates
// them, without ever emitting half a character: a multi-byte character
// split across tokens (most emoji and CJK characters are) is held back
// until its last byte arrives. The concatenation of everything Next and
// Flush return equals Decode of all the ids.
//
// A StreamDecoder is not safe for concurrent use.
type StreamDecoder struct {
	t       *Tokenizer
	pending []byte
}

// NewStreamDecoder returns a streaming decoder for t.
func (t *Tokenizer) NewStreamDecoder() *StreamDecoder { return &StreamDecoder{t: t} }

// Next adds one token and returns the text that is now complete (possibly
// ""). Bytes that can no longer form a character are returned as U+FFFD at
// once. An id out of range is an error and changes nothing.
func (d *StreamDecoder) Next(id int) (string, error) {
	if id < 0 || id >= len(d.t.raw) {
		return "", fmt.Errorf("token %d is out of range (valid: 0 to %d)", id, len(d.t.raw)-1)
	}
	d.pending = append(d.pending, d.t.raw[id]...)
	out, n := appendValid(nil, d.pending, false)
	d.pending = append(d.pending[:0], d.pending[n:]...)
	return string(out), nil
}

// Pending reports how many bytes are held back waiting for the rest of a
// character.
func (d *StreamDecoder) Pending() int { return len(d.pending) }

// Flush ends the stream: a held-back incomplete character becomes U+FFFD.
// The decoder is then empty and can be reused.
func (d *StreamDecoder) Flush() string {
	out, _ := appendValid(nil, d.pending, true)
	d.pending = d.pending[:0]
	return string(out)
}
