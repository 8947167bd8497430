package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
)

func init() {
	beamlog.LogLevel = "warn" // Prism's per-job INFO lines drown the test output
	beam.Init()
}

// record is one output line split into its fields.
type record struct{ id, input, output string }

// readShards reads every PREFIX-*-of-*.tsv file (not the dead letters) into
// records keyed by id, failing on a duplicate id.
func readShards(t *testing.T, prefix string, dead bool) map[string]record {
	t.Helper()
	files, err := filepath.Glob(prefix + "-*-of-*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]record{}
	for _, f := range files {
		isDead := strings.HasPrefix(filepath.Base(f), filepath.Base(prefix)+"-dead-letter-")
		if isDead != dead {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if l == "" {
				continue
			}
			f := strings.SplitN(l, "\t", 3)
			if len(f) != 3 {
				t.Fatalf("%s: line %q has %d fields, want 3", prefix, l, len(f))
			}
			if _, dup := out[f[0]]; dup {
				t.Fatalf("%s: id %s appears twice", prefix, f[0])
			}
			out[f[0]] = record{f[0], f[1], f[2]}
		}
	}
	return out
}

// writeLines splits lines into n files in dir and returns the id of every
// line (file:line) in input order.
func writeLines(t *testing.T, dir string, lines []string, n int) []string {
	t.Helper()
	var ids []string
	per := (len(lines) + n - 1) / n
	for k := 0; k < n; k++ {
		name := filepath.Join(dir, fmt.Sprintf("part%d.txt", k))
		chunk := lines[min(k*per, len(lines)):min((k+1)*per, len(lines))]
		if err := os.WriteFile(name, []byte(strings.Join(chunk, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		for i := range chunk {
			ids = append(ids, name+":"+strconv.Itoa(i+1))
		}
	}
	return ids
}

// englishSentences reads the first n English sentences of eng-fra.tsv.
func englishSentences(t *testing.T, n int) []string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "datasets", "eng-fra.tsv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("the shared dataset is absent (%v): the translation test needs ../shared/datasets/eng-fra.tsv beside the worktree", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < n {
		if en, _, ok := strings.Cut(sc.Text(), "\t"); ok && strings.TrimSpace(en) != "" {
			out = append(out, en)
		}
	}
	return out
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func shardBytes(t *testing.T, prefix string) string {
	t.Helper()
	files, _ := filepath.Glob(prefix + "-*.tsv")
	sort.Strings(files)
	var all []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, filepath.Base(f)+"\n"+string(b))
	}
	return strings.Join(all, "\n")
}

// TestTranslate runs greedy translation of 5,000 English sentences of
// eng-fra.tsv in four files (500 with -short), first on Prism in-process,
// then on a standalone Prism job server started here (the universal runner
// with LOOPBACK workers, the path of a Flink or Spark job server), and
// compares with the library's greedy translation of the same sentences
// (what `recur translate --beam 1` prints), joined on the id.
func TestTranslate(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 500
	}
	sents := englishSentences(t, n)
	dir := t.TempDir()
	ids := writeLines(t, dir, sents, 4)
	want, err := referenceTranslate("", sents)
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Model: ModelOptions{Task: "translate", Beam: 1, Seed: 1}, Inputs: []string{filepath.Join(dir, "*.txt")},
		Output: filepath.Join(dir, "out", "fr"), Shards: 4, Batch: 64, MaxLineBytes: 10000}
	s, err := RunJob(context.Background(), job, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Items != int64(len(sents)) || s.Failures != 0 {
		t.Errorf("counters: %v, want %d items and no failures", s, len(sents))
	}
	got := readShards(t, job.Output, false)
	if len(got) != len(sents) {
		t.Fatalf("%d output lines for %d inputs", len(got), len(sents))
	}
	if dead := readShards(t, job.Output, true); len(dead) != 0 {
		t.Errorf("%d dead letters, want none: %v", len(dead), dead)
	}
	bad := 0
	for i, id := range ids {
		r, ok := got[id]
		switch {
		case !ok:
			t.Errorf("%s missing from the output", id)
			bad++
		case r.input != sents[i] || r.output != want[i]:
			t.Errorf("%s: got %q → %q, the library translates %q → %q", id, r.input, r.output, sents[i], want[i])
			bad++
		}
		if bad > 10 {
			t.FailNow()
		}
	}

	t.Run("universal-loopback", func(t *testing.T) {
		port := freePort(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if _, err := prism.CreateJobServer(ctx, prism.Options{Port: port, IdleShutdownTimeout: time.Minute, CancelFn: func(error) {}}); err != nil {
			t.Fatal(err)
		}
		job2 := job
		job2.Output = filepath.Join(dir, "out2", "fr")
		ro := RunOptions{Runner: "universal", Endpoint: fmt.Sprintf("127.0.0.1:%d", port), EnvironmentType: "LOOPBACK"}
		if _, err := RunJob(ctx, job2, ro); err != nil {
			t.Fatal(err)
		}
		if a, b := shardBytes(t, job.Output), shardBytes(t, job2.Output); a != b {
			t.Errorf("the job server's output differs from the in-process run's (%d vs %d bytes)", len(a), len(b))
		}
	})
}

// TestCaption captions 500 rendered scenes (100 with -short) and compares
// with the library's captioner (what `recur caption` prints).
func TestCaption(t *testing.T) {
	n := 500
	if testing.Short() {
		n = 100
	}
	dir := t.TempDir()
	if err := writeScenes(dir, n, 11); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	want, err := referenceCaption(paths)
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Model: ModelOptions{Task: "caption", Beam: 1}, Inputs: []string{filepath.Join(dir, "*.png")},
		Output: filepath.Join(dir, "out", "cap"), Shards: 2, Batch: 16, MaxLineBytes: 10000}
	if _, err := RunJob(context.Background(), job, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readShards(t, job.Output, false)
	if len(got) != len(paths) {
		t.Fatalf("%d captions for %d images", len(got), len(paths))
	}
	for i, p := range paths {
		if got[p].output != want[i] {
			t.Errorf("%s: %q, the library says %q", p, got[p].output, want[i])
		}
	}
}

// TestScore checks every output line against the library's per-line
// score of that line alone (models.LanguageModel.ScoreLines, the figures
// `recur eval --per-line` writes): the same text, byte for byte, though the
// pipeline scores the lines in batches of 3 within its bundles.
func TestScore(t *testing.T) {
	lines := []string{"ROMEO:", "What light through yonder window breaks?", "First Citizen:", "Before we proceed any further, hear me speak.",
		"a", "To be, or not to be: that is the question.", "zzzz qqqq", "KING RICHARD III:", ""}
	dir := t.TempDir()
	ids := writeLines(t, dir, lines, 2)
	want, err := referenceScore(lines)
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Model: ModelOptions{Task: "score"}, Inputs: []string{filepath.Join(dir, "*.txt")},
		Output: filepath.Join(dir, "out", "ppl"), Shards: 1, Batch: 3, MaxLineBytes: 10000}
	if _, err := RunJob(context.Background(), job, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readShards(t, job.Output, false)
	if len(got) != len(lines) {
		t.Errorf("%d output lines for %d inputs", len(got), len(lines))
	}
	for i, id := range ids {
		if got[id].output != want[i] {
			t.Errorf("%s %q: %q, recur eval --per-line's figures are %q", id, lines[i], got[id].output, want[i])
		}
	}
}

// TestGenerateRepeats runs the same seeded generation twice with different
// batch sizes and shard counts: the outputs must be identical.
func TestGenerateRepeats(t *testing.T) {
	var prompts []string
	for i := 0; i < 12; i++ {
		prompts = append(prompts, fmt.Sprintf("ROMEO %d:", i))
	}
	prompts = append(prompts, "")
	dir := t.TempDir()
	writeLines(t, dir, prompts, 3)
	run := func(out string, batch, shards int) map[string]record {
		job := Job{Model: ModelOptions{Task: "generate", Length: 40, Temperature: 0.8, TopP: 1, Seed: 7}, Inputs: []string{filepath.Join(dir, "*.txt")},
			Output: filepath.Join(dir, out, "gen"), Shards: shards, Batch: batch, MaxLineBytes: 10000}
		if _, err := RunJob(context.Background(), job, RunOptions{}); err != nil {
			t.Fatal(err)
		}
		return readShards(t, job.Output, false)
	}
	a, b := run("a", 1, 1), run("b", 7, 3)
	if len(a) != len(prompts) {
		t.Fatalf("%d outputs for %d prompts", len(a), len(prompts))
	}
	for id, r := range a {
		if b[id] != r {
			t.Errorf("%s: %q then %q", id, r.output, b[id].output)
		}
	}
	distinct := map[string]bool{}
	for _, r := range a {
		distinct[strings.TrimPrefix(r.output, r.input)] = true
	}
	if len(distinct) < len(a)/2 {
		t.Errorf("only %d distinct continuations of %d prompts: per-item seeds look shared", len(distinct), len(a))
	}
}

// pngHeader is a PNG signature and IHDR chunk claiming w×h pixels, and
// nothing else.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestDeadLetters: an invalid UTF-8 line, an over-long line and an empty
// line (translate), and a text file named .png and a PNG whose header says
// 100000×100000 (caption) land in the dead letters with reasons; the good
// items are processed and both jobs succeed.
func TestDeadLetters(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("very ", 30)
	text := "I am cold.\nbad \xff\xfe line\n" + long + "\n\nWe are late.\n"
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	job := Job{Model: ModelOptions{Task: "translate", Beam: 1}, Inputs: []string{filepath.Join(dir, "*.txt")},
		Output: filepath.Join(dir, "out", "fr"), Shards: 2, Batch: 8, MaxLineBytes: 100}
	s, err := RunJob(context.Background(), job, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.txt")
	dead := readShards(t, job.Output, true)
	for line, reason := range map[int]string{2: "invalid UTF-8", 3: "longer than 100 bytes", 4: "empty line"} {
		id := in + ":" + strconv.Itoa(line)
		if !strings.Contains(dead[id].output, reason) {
			t.Errorf("%s: dead letter %q, want a reason with %q", id, dead[id].output, reason)
		}
	}
	if ok := readShards(t, job.Output, false); len(ok) != 2 || ok[in+":1"].output == "" || ok[in+":5"].output == "" {
		t.Errorf("good lines: %v, want lines 1 and 5 translated", ok)
	}
	if s.Items != 5 || s.Failures != 3 {
		t.Errorf("counters: %v, want 5 items and 3 failures", s)
	}

	imgs := filepath.Join(dir, "imgs")
	if err := writeScenes(imgs, 2, 3); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(imgs, "notes.png"), []byte("this is a text file, not an image\n"), 0o644)
	os.WriteFile(filepath.Join(imgs, "huge.png"), pngHeader(100000, 100000), 0o644)
	cj := Job{Model: ModelOptions{Task: "caption", Beam: 1}, Inputs: []string{filepath.Join(imgs, "*.png")},
		Output: filepath.Join(dir, "out", "cap"), Shards: 1, Batch: 8, MaxLineBytes: 100}
	if _, err := RunJob(context.Background(), cj, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	cdead := readShards(t, cj.Output, true)
	if len(cdead) != 2 {
		t.Errorf("caption dead letters: %v, want notes.png and huge.png", cdead)
	}
	for _, name := range []string{"notes.png", "huge.png"} {
		r := cdead[filepath.Join(imgs, name)]
		if r.output == "" {
			t.Errorf("%s: no dead letter with a reason", name)
		}
		t.Logf("%s: %s", name, r.output)
	}
	if ok := readShards(t, cj.Output, false); len(ok) != 2 {
		t.Errorf("%d captions, want the 2 good scenes", len(ok))
	}
}

// TestFailsBeforeWork: a glob matching nothing, an unreadable model file
// and an output folder that cannot be created fail at once, naming the
// problem, and write nothing.
func TestFailsBeforeWork(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("I am cold.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "garbage.model"), []byte("not a model"), 0o644)
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	good := Job{Model: ModelOptions{Task: "translate", Beam: 1}, Inputs: []string{filepath.Join(dir, "in.txt")}, Output: filepath.Join(dir, "out", "fr"), Shards: 1, Batch: 1}
	for _, tc := range []struct {
		name string
		edit func(*Job)
		want string
	}{
		{"no match", func(j *Job) { j.Inputs = []string{filepath.Join(dir, "*.nothing")} }, "matches no file"},
		{"missing model", func(j *Job) { j.Model.Model = filepath.Join(dir, "absent.model") }, "absent.model"},
		{"corrupt model", func(j *Job) { j.Model.Model = filepath.Join(dir, "garbage.model") }, "garbage.model"},
		{"output under a file", func(j *Job) { j.Output = filepath.Join(dir, "file", "sub", "fr") }, "cannot be created"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := good
			tc.edit(&j)
			_, err := RunJob(context.Background(), j, RunOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a failed check left an output folder")
	}
}

func TestItemSeed(t *testing.T) {
	if ItemSeed(1, "a:1") == ItemSeed(1, "a:2") || ItemSeed(1, "a:1") == ItemSeed(2, "a:1") {
		t.Error("item seeds collide")
	}
	if ItemSeed(7, "x") != ItemSeed(7, "x") {
		t.Error("item seed not a function of its inputs")
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\tb", `a\tb`},
		{"back\\slash\n", `back\\slash\n`},
		{"bad\xffbyte", `bad\xffbyte`},
	} {
		if got := escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReadLines calls the line reader directly: CRLF endings, a last line
// without a line break, a blank line (kept: the model step decides), an
// over-long line and invalid UTF-8, with their 1-based line numbers.
func TestReadLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(path, []byte("one\r\n\ntwo \xc3\x28\n"+strings.Repeat("x", 70000)+"\nlast"), 0o644)
	var items []Item
	var dead []string
	f := &readLinesFn{MaxLineBytes: 65536}
	if err := f.ProcessElement(context.Background(), path, func(it Item) { items = append(items, it) }, func(s string) { dead = append(dead, s) }); err != nil {
		t.Fatal(err)
	}
	want := []Item{{path + ":1", "one"}, {path + ":2", ""}, {path + ":5", "last"}}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Errorf("items %v, want %v", items, want)
	}
	if len(dead) != 2 || !strings.HasPrefix(dead[0], path+":3\t") || !strings.Contains(dead[0], "invalid UTF-8") ||
		!strings.HasPrefix(dead[1], path+":4\t") || !strings.Contains(dead[1], "longer than 65536 bytes") {
		t.Errorf("dead letters %q", dead)
	}
}
