package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	// File systems, registered by import: local paths, gs:// and s3://.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"
)

var itemType = reflect.TypeOf((*Item)(nil)).Elem()

// Item is one input: a text line (ID "path:line") or an image file (ID and
// Input are its path).
type Item struct {
	ID    string
	Input string
}

// Job is everything a pipeline needs besides the runner.
type Job struct {
	Model  ModelOptions
	Inputs []string // globs
	Output string   // prefix of the output shards
	Shards int      // output files per output
	Batch  int      // items per model call (within a bundle)
	// MaxLineBytes bounds a text line; longer lines are dead letters.
	MaxLineBytes int
}

// images says whether the job's inputs are image files.
func (j Job) images() bool { return j.Model.Task == "caption" }

var (
	itemsCounter    = beam.NewCounter("recur", "items")
	failuresCounter = beam.NewCounter("recur", "failures")
	tokensCounter   = beam.NewCounter("recur", "tokens")
)

func init() {
	register.DoFn4x1[context.Context, string, func(Item), func(string), error](&readLinesFn{})
	register.DoFn4x1[context.Context, Item, func(string), func(string), error](&modelFn{})
	register.DoFn2x1[string, func(int, string), error](&shardFn{})
	register.DoFn3x1[context.Context, int, func(*string) bool, error](&writeShardFn{})
	register.Function1x1[string, Item](pathItem)
	register.Emitter1[Item]()
	register.Emitter1[string]()
	register.Emitter2[int, string]()
	register.Iter1[string]()
	beam.RegisterType(itemType)
}

// Expand lists the files the globs match, sorted, failing (before any
// work) on a glob that matches nothing.
func Expand(ctx context.Context, globs []string) ([]string, error) {
	if len(globs) == 0 {
		return nil, errors.New("no input: give --input GLOB")
	}
	seen := map[string]bool{}
	var files []string
	for _, g := range globs {
		fs, err := filesystem.New(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", g, err)
		}
		m, err := fs.List(ctx, g)
		fs.Close()
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", g, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("input %q matches no file", g)
		}
		for _, f := range m {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	return files, nil
}

// CheckOutput makes sure the output prefix's folder can be written: local
// folders are created and probed with a file; other file systems (gs://,
// s3://) are checked by the first write.
func CheckOutput(prefix string) error {
	if prefix == "" {
		return errors.New("no output: give --output PREFIX (a folder and a file-name prefix, e.g. out/fr)")
	}
	if strings.Contains(prefix, "://") {
		return nil
	}
	dir := filepath.Dir(prefix)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output folder %s cannot be created: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".recur-beam-probe-*")
	if err != nil {
		return fmt.Errorf("output folder %s cannot be written: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Build assembles the pipeline: files → items (lines or image paths) →
// reshuffle (spread one file's lines over workers) → the model, batched per
// bundle → sharded outputs; invalid items go to the dead-letter output.
func Build(job Job, files []string) *beam.Pipeline {
	p, s := beam.NewPipelineWithRoot()
	paths := beam.CreateList(s.Scope("files"), files)
	var items beam.PCollection
	var dead []beam.PCollection
	if job.images() {
		items = beam.ParDo(s.Scope("images"), pathItem, paths)
	} else {
		paths = beam.Reshuffle(s.Scope("spread-files"), paths)
		var bad beam.PCollection
		items, bad = beam.ParDo2(s.Scope("lines"), &readLinesFn{MaxLineBytes: job.MaxLineBytes}, paths)
		dead = append(dead, bad)
	}
	items = beam.Reshuffle(s.Scope("spread-items"), items)
	out, bad := beam.ParDo2(s.Scope(job.Model.Task), &modelFn{Opts: job.Model, Batch: job.Batch, Images: job.images()}, items)
	dead = append(dead, bad)
	writeSharded(s.Scope("write"), job.Output, job.Shards, out)
	writeSharded(s.Scope("write-dead-letter"), job.Output+"-dead-letter", job.Shards, beam.Flatten(s, dead...))
	return p
}

// pathItem makes an image file an item.
func pathItem(path string) Item { return Item{ID: path, Input: path} }

// readLinesFn emits a text file's lines as items with ids "path:line"
// (1-based). Lines that are not UTF-8 or are longer than MaxLineBytes go
// to the dead letters; a trailing "\r" is dropped.
type readLinesFn struct {
	MaxLineBytes int
}

func (f *readLinesFn) ProcessElement(ctx context.Context, path string, emit func(Item), dead func(string)) error {
	deadLetter := dead
	dead = func(s string) { itemsDone.Add(1); deadLetter(s) } // progress: a dead letter is a finished item
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		itemsCounter.Inc(ctx, 1)
		failuresCounter.Inc(ctx, 1)
		dead(deadLine(path, path, "unreadable file: "+err.Error()))
		return nil
	}
	defer rc.Close()
	rd := bufio.NewReaderSize(rc, 64<<10)
	var line []byte
	n, tooLong := 0, false
	for {
		chunk, err := rd.ReadSlice('\n')
		if len(line)+len(chunk) <= f.MaxLineBytes+2 { // room for "\r\n"
			line = append(line, chunk...)
		} else {
			tooLong = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(chunk) > 0 || len(line) > 0 || tooLong {
			n++
			id := path + ":" + strconv.Itoa(n)
			text := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
			itemsCounter.Inc(ctx, 1)
			switch {
			case tooLong:
				failuresCounter.Inc(ctx, 1)
				dead(deadLine(id, clip(text), fmt.Sprintf("line longer than %d bytes (--max-line-bytes)", f.MaxLineBytes)))
			case !utf8.ValidString(text):
				failuresCounter.Inc(ctx, 1)
				dead(deadLine(id, text, "invalid UTF-8"))
			default:
				emit(Item{ID: id, Input: text})
			}
		}
		line, tooLong = line[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			failuresCounter.Inc(ctx, 1)
			dead(deadLine(path+":"+strconv.Itoa(n+1), "", "read error: "+err.Error()))
			return nil
		}
	}
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// modelFn loads the model once per DoFn instance (Setup) and runs it on
// batches of Batch items, flushed when full and at the end of each bundle.
type modelFn struct {
	Opts   ModelOptions
	Batch  int
	Images bool

	r   Runner
	buf []Item
}

func (f *modelFn) Setup() error {
	r, err := LoadRunner(f.Opts)
	if err != nil {
		return err
	}
	f.r = r
	return nil
}

func (f *modelFn) StartBundle(_ context.Context, _ func(string), _ func(string)) {
	f.buf = f.buf[:0]
}

func (f *modelFn) ProcessElement(ctx context.Context, it Item, emit func(string), dead func(string)) error {
	f.buf = append(f.buf, it)
	if len(f.buf) >= max(f.Batch, 1) {
		return f.flush(ctx, emit, dead)
	}
	return nil
}

func (f *modelFn) FinishBundle(ctx context.Context, emit func(string), dead func(string)) error {
	return f.flush(ctx, emit, dead)
}

func (f *modelFn) flush(ctx context.Context, emit func(string), dead func(string)) error {
	if len(f.buf) == 0 {
		return nil
	}
	defer itemsDone.Add(int64(len(f.buf))) // progress: the whole buffer is finished (or the bundle fails)
	ids := make([]string, 0, len(f.buf))
	inputs := make([][]byte, 0, len(f.buf))
	var batch []Item
	for _, it := range f.buf {
		if f.Images {
			itemsCounter.Inc(ctx, 1)
			b, err := readImage(ctx, it.Input)
			if err != nil {
				failuresCounter.Inc(ctx, 1)
				dead(deadLine(it.ID, it.Input, err.Error()))
				continue
			}
			inputs = append(inputs, b)
		} else {
			inputs = append(inputs, []byte(it.Input))
		}
		ids = append(ids, it.ID)
		batch = append(batch, it)
	}
	f.buf = f.buf[:0]
	if len(batch) == 0 {
		return nil
	}
	res, err := f.r.Run(ctx, ids, inputs)
	if err != nil {
		return err // the runner retries the bundle
	}
	for i, o := range res {
		if o.Reason != "" {
			failuresCounter.Inc(ctx, 1)
			dead(deadLine(batch[i].ID, batch[i].Input, o.Reason))
			continue
		}
		tokensCounter.Inc(ctx, int64(o.Tokens))
		emit(batch[i].ID + "\t" + escape(batch[i].Input) + "\t" + escapeOutput(o.Output))
	}
	return nil
}

// readImage reads an image file whole, refusing files over MaxImageBytes
// before reading them.
func readImage(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	if n, err := fs.Size(ctx, path); err == nil && n > MaxImageBytes {
		return nil, fmt.Errorf("image file is %d bytes, more than the limit of %d", n, MaxImageBytes)
	}
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("unreadable image: %w", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("unreadable image: %w", err)
	}
	if len(b) > MaxImageBytes {
		return nil, fmt.Errorf("image file is more than the limit of %d bytes", MaxImageBytes)
	}
	return b, nil
}

// escape keeps one record per line and three fields per record: backslash,
// tab, line feed and carriage return are written as \\, \t, \n, \r; bytes
// that are not UTF-8 as \xNN.
func escape(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\r") && utf8.ValidString(s) {
		return s
	}
	var b bytes.Buffer
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// escapeOutput escapes a model's output; score outputs are already three
// tab-separated figures and pass unchanged.
func escapeOutput(s string) string {
	if strings.Count(s, "\t") == 2 && !strings.ContainsAny(s, "\\\n\r") {
		if f := strings.Split(s, "\t"); isNumber(f[0]) && isNumber(f[1]) && isNumber(f[2]) {
			return s
		}
	}
	return escape(s)
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// deadLine is a dead-letter record: id, input, reason.
func deadLine(id, input, reason string) string {
	return id + "\t" + escape(input) + "\t" + escape(reason)
}

// shardFn assigns a record to a shard by a hash of its id (the first
// field), so the same record lands in the same shard on every run.
type shardFn struct {
	Shards int
}

func (f *shardFn) ProcessElement(line string, emit func(int, string)) error {
	id, _, _ := strings.Cut(line, "\t")
	h := fnv.New32a()
	h.Write([]byte(id))
	emit(int(h.Sum32()%uint32(max(f.Shards, 1))), line)
	return nil
}

// writeShardFn writes one shard's records to PREFIX-SSSSS-of-NNNNN.tsv,
// sorted by id so a file's bytes do not depend on the order records
// arrived in. A retried bundle rewrites the whole file.
type writeShardFn struct {
	Prefix string
	Shards int
}

func (f *writeShardFn) ProcessElement(ctx context.Context, shard int, lines func(*string) bool) error {
	var all []string
	var l string
	for lines(&l) {
		all = append(all, l)
	}
	sort.Strings(all)
	name := ShardName(f.Prefix, shard, f.Shards)
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, l := range all {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return w.Close()
}

// ShardName is the file of shard i of n.
func ShardName(prefix string, i, n int) string {
	return fmt.Sprintf("%s-%05d-of-%05d.tsv", prefix, i, n)
}

func writeSharded(s beam.Scope, prefix string, shards int, lines beam.PCollection) {
	keyed := beam.ParDo(s, &shardFn{Shards: shards}, lines)
	beam.ParDo0(s, &writeShardFn{Prefix: prefix, Shards: shards}, beam.GroupByKey(s, keyed))
}
