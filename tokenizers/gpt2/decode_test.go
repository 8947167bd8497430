package gpt2

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Python's bytes.decode("utf-8", errors="replace") on these inputs (values
// from the Unicode standard's "maximal subpart" rule, which CPython
// implements; checked with python3 -c 'print(ascii(b"...".decode("utf-8","replace")))').
func TestAppendValidLikePython(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"abc", "abc"},
		{"\xe2\x82", "\uFFFD"},                           // truncated 3-byte character: one replacement
		{"\xe2\x82A", "\uFFFDA"},                         // ... followed by ASCII
		{"\xff\xfe", "\uFFFD\uFFFD"},                     // never valid bytes: one each
		{"\xc0\xaf", "\uFFFD\uFFFD"},                     // overlong '/'
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},           // a surrogate
		{"\xf0\x9f\x98", "\uFFFD"},                       // three bytes of an emoji
		{"\xf0\x9f\x98\x80", "😀"},                        // the whole emoji
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"}, // above U+10FFFF
		{"\x80\x80", "\uFFFD\uFFFD"},                     // lone continuation bytes
		{"é\xe9t\xc3", "é\uFFFDt\uFFFD"},
	} {
		got, n := appendValid(nil, []byte(c.in), true)
		if string(got) != c.want || n != len(c.in) {
			t.Errorf("%q → %q (%d bytes consumed), want %q", c.in, got, n, c.want)
		}
	}
}

func TestStreamDecoderEmoji(t *testing.T) {
	tok := loadGPT2(t)
	text := "I ❤️ 😀 and 東京!"
	ids := tok.EncodeIDs(text, false)
	d := tok.NewStreamDecoder()
	var parts []string
	split := false
	for _, id := range ids {
		if !utf8.Valid(tok.TokenBytes(id)) {
			split = true // some token carries part of a character
		}
		s, err := d.Next(id)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Next emitted invalid UTF-8 %q", s)
		}
		parts = append(parts, s)
	}
	if !split {
		t.Fatalf("no token of %v splits a character: the test proves nothing", ids)
	}
	if d.Pending() != 0 {
		t.Fatalf("%d bytes pending after complete text", d.Pending())
	}
	parts = append(parts, d.Flush())
	if got := strings.Join(parts, ""); got != text {
		t.Fatalf("streamed %q, want %q", got, text)
	}
}

func TestStreamDecoderFlushAndErrors(t *testing.T) {
	tok := loadGPT2(t)
	ids := tok.EncodeIDs("😀", false) // several tokens, the first an incomplete prefix
	if len(ids) < 2 {
		t.Fatalf("😀 is %v, expected to span tokens", ids)
	}
	d := tok.NewStreamDecoder()
	if s, _ := d.Next(ids[0]); s != "" || d.Pending() == 0 {
		t.Fatalf("first part emitted %q with %d pending; want it held back", s, d.Pending())
	}
	if s := d.Flush(); s != "\uFFFD" {
		t.Fatalf("Flush of an incomplete character = %q, want U+FFFD", s)
	}
	if _, err := d.Next(tok.Size()); err == nil {
		t.Fatal("out-of-range id accepted")
	}
	if _, err := tok.DecodeBytes([]int{1, -1}); err == nil || !strings.Contains(err.Error(), "position 1") {
		t.Fatalf("DecodeBytes error %v, want one naming position 1", err)
	}
	if s := tok.Decode([]int{15496, 99999}); s != "Hello\uFFFD" {
		t.Fatalf("Decode with a bad id = %q", s)
	}
}

// The stream's output always equals Decode, for any byte string, however
// the ids are cut.
func checkStreamMatchesDecode(t *testing.T, tok *Tokenizer, data string) {
	ids := tok.EncodeIDs(data, false)
	raw, err := tok.DecodeBytes(ids)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != data {
		t.Fatalf("DecodeBytes(Encode(%q)) = %q", data, raw)
	}
	if utf8.ValidString(data) {
		if got := tok.Decode(ids); got != data {
			t.Fatalf("Decode(Encode(%q)) = %q", data, got)
		}
	}
	d := tok.NewStreamDecoder()
	var sb strings.Builder
	for _, id := range ids {
		s, err := d.Next(id)
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString(s)
	}
	sb.WriteString(d.Flush())
	if want := tok.Decode(ids); sb.String() != want {
		t.Fatalf("stream of %q gave %q, Decode gives %q", data, sb.String(), want)
	}
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"Hello world", "  a\n\n b\t'll 123", "\xff\xfe\xe2\x82", "😀東京", "<|endoftext|>", "aaaaaaaaaaaaaaaa"} {
		f.Add([]byte(s))
	}
	tok := loadGPT2(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		data := string(b)
		checkStreamMatchesDecode(t, tok, data)
		if got := strings.Join(Split(data), ""); got != data {
			t.Fatalf("Split(%q) joins to %q", data, got)
		}
		if got := tok.EncodeIDs(data, false); !slices.Equal(got, naiveEncode(tok, data)) {
			t.Fatalf("heap BPE %v != naive BPE %v on %q", got, naiveEncode(tok, data), data)
		}
	})
}
