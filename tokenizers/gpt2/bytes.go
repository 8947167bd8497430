package gpt2

// GPT-2 does not run BPE on raw bytes: it first maps every byte to a
// printable Unicode character, so that vocab.json and merges.txt are plain
// text with no control characters or spaces inside tokens. The table is
// fixed: the 188 bytes that are already visible Latin-1 characters
// ('!'..'~', '¡'..'¬', '®'..'ÿ') map to themselves; the other 68 bytes
// (controls, space, DEL, NBSP, soft hyphen, ...) map, in increasing byte
// order, to U+0100, U+0101, ... So a space becomes 'Ġ' (U+0120) and a
// newline 'Ċ' (U+010A), which is why GPT-2 tokens look like "Ġthe".

// byteToRune is the table above; runeToByte its inverse.
var (
	byteToRune [256]rune
	runeToByte = make(map[rune]byte, 256)
	// byteOrder lists the bytes in the order GPT-2 gives their one-byte
	// tokens ids 0..255: the visible bytes first, then the others.
	byteOrder [256]byte
)

func visibleByte(b int) bool {
	return ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || (0xAE <= b && b <= 0xFF)
}

func init() {
	k := 0
	for b := 0; b < 256; b++ {
		if visibleByte(b) {
			byteToRune[b] = rune(b)
			byteOrder[k] = byte(b)
			k++
		}
	}
	n := 0
	for b := 0; b < 256; b++ {
		if !visibleByte(b) {
			byteToRune[b] = rune(256 + n)
			byteOrder[k] = byte(b)
			k++
			n++
		}
	}
	for b := 0; b < 256; b++ {
		runeToByte[byteToRune[b]] = byte(b)
	}
}

// ByteString returns the vocab.json spelling of raw bytes: each byte
// replaced by its table character (" the" → "Ġthe").
func ByteString(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = byteToRune[c]
	}
	return string(r)
}

// unbyteString inverts ByteString. ok is false when s holds a character
// outside the table (such a token is not byte-level, e.g. an added token).
func unbyteString(s string) (b []byte, ok bool) {
	b = make([]byte, 0, len(s))
	for _, r := range s {
		c, in := runeToByte[r]
		if !in {
			return nil, false
		}
		b = append(b, c)
	}
	return b, true
}
