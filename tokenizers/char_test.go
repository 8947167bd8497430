package tokenizers

import (
	"reflect"
	"strings"
	"testing"
)

func TestCharSplit(t *testing.T) {
	tok := NewCharTokenizer(nil)
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"ab\n", []string{"a", "b", "\n"}},
		{"café", []string{"c", "a", "f", "é"}},
		{"a\r\nb", []string{"a", "\r", "\n", "b"}},
		{"日本", []string{"日", "本"}},
		// Invalid UTF-8: each bad byte is a token, so nothing is lost.
		{"a\xffb\xe6\x97", []string{"a", "\xff", "b", "\xe6", "\x97"}},
	}
	for _, tc := range tests {
		got := tok.Split(tc.in)
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("Split(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBuildChar(t *testing.T) {
	tests := []struct {
		name    string
		train   string
		cfg     CharConfig
		want    []string
		wantErr string
	}{
		// Sorted by code point after <unk>: '\n' < ' ' < 'a' < 'b' < 'é'.
		{name: "default", train: "abba é\n", cfg: DefaultCharConfig(), want: []string{"<unk>", "\n", " ", "a", "b", "é"}},
		{name: "min count 2", train: "abba é\n", cfg: CharConfig{MinCount: 2}, want: []string{"<unk>", "a", "b"}},
		{name: "empty", train: "", cfg: DefaultCharConfig(), wantErr: "char tokenizer: training text is empty"},
		{name: "bad min count", train: "ab", cfg: CharConfig{}, wantErr: "char tokenizer: MinCount 0 is invalid (valid: 1 or more)"},
		{name: "nothing frequent", train: "abc", cfg: CharConfig{MinCount: 5}, wantErr: "no character occurs at least 5 times"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := BuildChar(tc.train, tc.cfg)
			checkBuiltVocab(t, tok, err, tc.want, tc.wantErr)
		})
	}
}

func TestCharEncodeDecode(t *testing.T) {
	tok, err := BuildChar("hello world\n", DefaultCharConfig())
	if err != nil {
		t.Fatal(err)
	}
	// Vocabulary: <unk> \n ' ' d e h l o r w → ids 0..9.
	ids, unk := tok.Encode("hello\nworld")
	want := []int{5, 4, 6, 6, 7, 1, 9, 7, 8, 6, 3}
	if !equalInts(ids, want) || unk != nil {
		t.Fatalf("Encode = %v %q, want %v []", ids, unk, want)
	}
	if got := tok.Decode(ids); got != "hello\nworld" {
		t.Errorf("Decode = %q", got)
	}
	// Unknown characters become id 0 and are reported once, in order.
	ids, unk = tok.Encode("hey, hé!e")
	if want := []int{5, 4, 0, 0, 2, 5, 0, 0, 4}; !equalInts(ids, want) {
		t.Errorf("Encode ids = %v, want %v", ids, want)
	}
	if want := []string{"y", ",", "é", "!"}; !reflect.DeepEqual(unk, want) {
		t.Errorf("unknown = %q, want %q", unk, want)
	}
	if got := tok.Decode([]int{5, 0, -3, 99, 4}); got != "h<unk><unk><unk>e" {
		t.Errorf("Decode with bad ids = %q", got)
	}
}

// FuzzCharTokenizer: any string, valid UTF-8 or not, encodes without panics
// to in-range ids; with a vocabulary built from the string itself nothing is
// unknown and Decode(Encode(s)) == s.
func FuzzCharTokenizer(f *testing.F) {
	for _, s := range []string{"", "hello\n", "café ½ 日本", "a\xffb\xe6\x97", "\x00\r\n", "<unk>", "zzzz"} {
		f.Add(s)
	}
	fixed, err := BuildChar("the quick brown fox\n", DefaultCharConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, _ := fixed.Encode(s)
		split := fixed.Split(s)
		if len(ids) != len(split) || strings.Join(split, "") != s {
			t.Fatalf("Split(%q) = %q does not match %d ids", s, split, len(ids))
		}
		for _, id := range ids {
			if id < 0 || id >= fixed.Vocab().Size() {
				t.Fatalf("id %d out of range", id)
			}
		}
		_ = fixed.Decode(ids)

		own, err := BuildChar(s, DefaultCharConfig())
		if s == "" {
			if err == nil {
				t.Fatal("BuildChar(\"\") succeeded")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		ids, unk := own.Encode(s)
		if len(unk) != 0 {
			t.Fatalf("unknown %q with a vocabulary built from the text", unk)
		}
		if got := own.Decode(ids); got != s {
			t.Fatalf("Decode(Encode(%q)) = %q", s, got)
		}
	})
}

func BenchmarkCharEncode(b *testing.B) {
	text := benchText(b)
	tok, err := BuildChar(text, DefaultCharConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	n := 0
	for b.Loop() {
		ids, _ := tok.Encode(text)
		n += len(ids)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tokens/s")
}
