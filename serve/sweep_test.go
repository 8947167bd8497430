package serve

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
)

// pngBomb is a valid 1×1 PNG whose header claims w×h pixels: a decoder that
// trusted the header would allocate w×h×4 bytes.
func pngBomb(t *testing.T, w, h uint32) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	// Signature (8) then the IHDR chunk: length (4), "IHDR" (4), width,
	// height, ..., CRC over type and data (13 bytes).
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// The malformed-request sweep: every bad request gets the right 4xx with a
// JSON error naming the field, and the server keeps serving.
// badRequest is one malformed request and the error it must get.
type badRequest struct {
	name, path, ctype string
	body              []byte
	status            int
	code, field       string
}

// badJSONRequests are malformed generate and translate requests.
func badJSONRequests(random []byte) []badRequest {
	return []badRequest{
		{"empty body", "/v1/generate", "", nil, 400, CodeBadJSON, ""},
		{"bad JSON", "/v1/generate", "", []byte(`{"prompt": "x",`), 400, CodeBadJSON, ""},
		{"syntax error", "/v1/generate", "", []byte(`{"prompt" "x"}`), 400, CodeBadJSON, ""},
		{"not an object", "/v1/generate", "", []byte(`[1,2]`), 400, CodeBadJSON, ""},
		{"null", "/v1/generate", "", []byte(`null`), 400, CodeBadJSON, ""},
		{"trailing data", "/v1/generate", "", []byte(`{"length":3}{"length":4}`), 400, CodeBadJSON, ""},
		{"random bytes", "/v1/generate", "", random, 400, CodeBadJSON, ""},
		{"unknown field", "/v1/generate", "", []byte(`{"promt":"x"}`), 400, CodeInvalidField, "promt"},
		{"prompt wrong type", "/v1/generate", "", []byte(`{"prompt":5}`), 400, CodeInvalidField, "prompt"},
		{"length string", "/v1/generate", "", []byte(`{"length":"10"}`), 400, CodeInvalidField, "length"},
		{"length fraction", "/v1/generate", "", []byte(`{"length":1.5}`), 400, CodeInvalidField, "length"},
		{"length huge", "/v1/generate", "", []byte(`{"length":1e20}`), 400, CodeInvalidField, "length"},
		{"length negative", "/v1/generate", "", []byte(`{"length":-5}`), 400, CodeInvalidField, "length"},
		{"length zero", "/v1/generate", "", []byte(`{"length":0}`), 400, CodeInvalidField, "length"},
		{"length over cap", "/v1/generate", "", []byte(`{"length":2001}`), 400, CodeInvalidField, "length"},
		{"temperature zero", "/v1/generate", "", []byte(`{"temperature":0}`), 400, CodeInvalidField, "temperature"},
		{"temperature negative", "/v1/generate", "", []byte(`{"temperature":-1}`), 400, CodeInvalidField, "temperature"},
		{"temperature overflow", "/v1/generate", "", []byte(`{"temperature":1e400}`), 400, CodeInvalidField, "temperature"},
		{"temperature huge", "/v1/generate", "", []byte(`{"temperature":1e300}`), 400, CodeInvalidField, "temperature"},
		{"top_p zero", "/v1/generate", "", []byte(`{"top_p":0}`), 400, CodeInvalidField, "top_p"},
		{"top_p over 1", "/v1/generate", "", []byte(`{"top_p":1.5}`), 400, CodeInvalidField, "top_p"},
		{"top_k negative", "/v1/generate", "", []byte(`{"top_k":-1}`), 400, CodeInvalidField, "top_k"},
		{"seed negative", "/v1/generate", "", []byte(`{"seed":-1}`), 400, CodeInvalidField, "seed"},
		{"seed huge", "/v1/generate", "", []byte(`{"seed":1e30}`), 400, CodeInvalidField, "seed"},
		{"stream not bool", "/v1/generate", "", []byte(`{"stream":"yes"}`), 400, CodeInvalidField, "stream"},
		{"prompt too long", "/v1/generate", "", []byte(`{"prompt":"` + strings.Repeat("a", 4001) + `"}`), 400, CodeInvalidField, "prompt"},
		{"body too large", "/v1/generate", "", []byte(`{"prompt":"` + strings.Repeat("a", 1<<20) + `"}`), 413, CodeTooLarge, ""},
		{"unknown model", "/v1/generate", "", []byte(`{"model":"gpt"}`), 404, CodeUnknownModel, "model"},
		{"text missing", "/v1/translate", "", []byte(`{}`), 400, CodeInvalidField, "text"},
		{"text empty array", "/v1/translate", "", []byte(`{"text":[]}`), 400, CodeInvalidField, "text"},
		{"text empty string", "/v1/translate", "", []byte(`{"text":""}`), 400, CodeInvalidField, "text[0]"},
		{"text blank sentence", "/v1/translate", "", []byte(`{"text":["ok","  "]}`), 400, CodeInvalidField, "text[1]"},
		{"text number", "/v1/translate", "", []byte(`{"text":5}`), 400, CodeInvalidField, "text"},
		{"text array of numbers", "/v1/translate", "", []byte(`{"text":[1,2]}`), 400, CodeInvalidField, "text"},
		{"text too many", "/v1/translate", "", []byte(`{"text":["a"` + strings.Repeat(`,"a"`, 32) + `]}`), 400, CodeInvalidField, "text"},
		{"sentence too long", "/v1/translate", "", []byte(`{"text":["` + strings.Repeat("a ", 501) + `"]}`), 400, CodeInvalidField, "text[0]"},
		{"beam zero", "/v1/translate", "", []byte(`{"text":"a","beam":0}`), 400, CodeInvalidField, "beam"},
		{"beam over cap", "/v1/translate", "", []byte(`{"text":"a","beam":11}`), 400, CodeInvalidField, "beam"},
		{"n_best over beam", "/v1/translate", "", []byte(`{"text":"a","beam":2,"n_best":3}`), 400, CodeInvalidField, "n_best"},
		{"length_penalty negative", "/v1/translate", "", []byte(`{"text":"a","length_penalty":-1}`), 400, CodeInvalidField, "length_penalty"},
		{"max_len negative", "/v1/translate", "", []byte(`{"text":"a","max_len":-1}`), 400, CodeInvalidField, "max_len"},
		{"max_len over cap", "/v1/translate", "", []byte(`{"text":"a","max_len":100000}`), 400, CodeInvalidField, "max_len"},
		{"sample with beam", "/v1/translate", "", []byte(`{"text":"a","sample":true,"beam":3}`), 400, CodeInvalidField, "sample"},
		{"sample bad top_p", "/v1/translate", "", []byte(`{"text":"a","sample":true,"top_p":7}`), 400, CodeInvalidField, "top_p"},
		{"translate unknown model", "/v1/translate", "", []byte(`{"text":"a","model":"de-en"}`), 404, CodeUnknownModel, "model"},
	}
}

// badUploadRequests are malformed caption uploads and classify requests.
func badUploadRequests(t *testing.T, scene, random []byte) []badRequest {
	form := func(filename string, data []byte, fields ...string) ([]byte, string) {
		return multipartBody(t, filename, data, fields...)
	}
	good, goodType := form("scene.png", scene)
	bomb, bombType := form("bomb.png", pngBomb(t, 65535, 65535))
	bmp, bmpType := form("x.bmp", append([]byte("BM"), make([]byte, 100)...))
	empty, emptyType := form("empty.png", []byte{})
	noImage, noImageType := form("", nil, "beam", "2")
	extra, extraType := form("scene.png", scene, "colour", "red")
	badBeam, badBeamType := form("scene.png", scene, "beam", "abc")
	bigBeam, bigBeamType := form("scene.png", scene, "beam", "1000")
	tooBig, tooBigType := form("big.png", bytes.Repeat([]byte{0}, 300<<10))
	return []badRequest{
		{"not multipart", "/v1/caption", "application/json", []byte(`{"image":"x"}`), 400, CodeInvalidField, "image"},
		{"multipart without boundary", "/v1/caption", "multipart/form-data", good, 400, CodeInvalidField, "image"},
		{"truncated multipart", "/v1/caption", goodType, good[:len(good)/2], 400, CodeInvalidField, "image"},
		{"random multipart", "/v1/caption", goodType, random, 400, CodeInvalidField, "image"},
		{"no image part", "/v1/caption", noImageType, noImage, 400, CodeInvalidField, "image"},
		{"empty image", "/v1/caption", emptyType, empty, 400, CodeInvalidField, "image"},
		{"unknown form field", "/v1/caption", extraType, extra, 400, CodeInvalidField, "colour"},
		{"beam not a number", "/v1/caption", badBeamType, badBeam, 400, CodeInvalidField, "beam"},
		{"beam over cap", "/v1/caption", bigBeamType, bigBeam, 400, CodeInvalidField, "beam"},
		{"image bomb", "/v1/caption", bombType, bomb, 413, CodeTooLarge, "image"},
		{"BMP", "/v1/caption", bmpType, bmp, 400, CodeBadImage, "image"},
		{"upload too large", "/v1/caption", tooBigType, tooBig, 413, CodeTooLarge, ""},
		{"classify random", "/v1/classify", goodType, random, 400, CodeInvalidField, "image"},
		{"classify empty text", "/v1/classify", "", []byte(`{"text":[]}`), 400, CodeInvalidField, "text"},
		{"classify top_k zero", "/v1/classify", "", []byte(`{"text":"good","top_k":0}`), 400, CodeInvalidField, "top_k"},
		{"classify text with image model", "/v1/classify", "", []byte(`{"text":"good","model":"tiny-shapes"}`), 404, CodeUnknownModel, "model"},
	}
}

func TestMalformedRequests(t *testing.T) {
	cfg := testConfig()
	cfg.MaxUploadBytes = 256 << 10
	s := newTestServer(t, cfg, nil)
	scene := readScene(t)
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	reqs := append(badJSONRequests(random), badUploadRequests(t, scene, random)...)
	for _, c := range reqs {
		t.Run(c.name, func(t *testing.T) {
			w := do(s, "POST", c.path, c.ctype, c.body)
			var e struct{ Error APIError }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
				t.Fatalf("%d %q is not a JSON error: %v", w.Code, w.Body.String(), err)
			}
			if w.Code != c.status || e.Error.Code != c.code || e.Error.Field != c.field {
				t.Fatalf("got %d %s field %q (%s), want %d %s field %q", w.Code, e.Error.Code, e.Error.Field, e.Error.Message, c.status, c.code, c.field)
			}
			if e.Error.Field != "" && !strings.Contains(e.Error.Message, strings.TrimSuffix(strings.Split(c.field, "[")[0], "]")) {
				t.Errorf("message %q does not name the field %q", e.Error.Message, c.field)
			}
			// The server keeps serving after every bad request.
			if ok := do(s, "POST", "/v1/generate", "", []byte(`{"prompt":"A","length":2}`)); ok.Code != 200 {
				t.Fatalf("after %s: %s", c.name, statusOf(ok))
			}
		})
	}
}
