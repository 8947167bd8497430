package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/nn"
	"github.com/recur-dev/recur/plots"
)

// Trainable is what the training loop needs from a task. The loop knows
// nothing about what the model is.
type Trainable interface {
	// Params are the weights the optimizer updates.
	Params() nn.Params
	// TrainStep computes the loss of the next training batch and leaves the
	// gradients in Params. step is the 0-based update index (dropout masks
	// depend on it). units is how many targets the batch held (chars, tokens,
	// pairs…) for the rate shown in the progress line.
	TrainStep(step int) (loss float64, units int, err error)
	// Evaluate scores the validation data. Metrics["loss"] (nats per target)
	// must be present; Primary names the metric early stopping watches.
	Evaluate(ctx context.Context) (Metrics, error)
	// Model returns the model file for the current weights (task, config,
	// vocabulary and weights, without optimizer state).
	Model() (*modelfile.File, error)
	// SaveState / LoadState carry whatever the task needs to resume exactly:
	// data position, carried recurrent state.
	SaveState() (meta map[string]string, tensors []modelfile.Tensor)
	LoadState(f *modelfile.File) error
	// Unit names what TrainStep counts ("chars", "tokens", "pairs").
	Unit() string
}

// Metrics are named validation figures.
type Metrics map[string]float64

// Config drives the loop.
type Config struct {
	Steps           int    // total optimizer updates
	EvalEvery       int    // validate every N steps (and at the end); 0 = only at the end
	CheckpointEvery int    // write the checkpoint every N steps (and at the end)
	Patience        int    // stop after this many validations without improvement; 0 = never
	Primary         string // metric early stopping and best-model keeping watch ("loss")
	Maximize        bool   // true when a larger Primary is better (BLEU)
	Out             string // model file; the checkpoint is Out + ".ckpt"
	Resume          bool   // continue from Out + ".ckpt"
	Force           bool   // without Resume: overwrite an existing Out and its checkpoint
	Seed            uint64 // recorded in the checkpoint; a resume must use the same
	Optim           nn.AdamConfig
	Plot            string // loss-curve PNG path ("" = Out + ".loss.png")
	Progress        io.Writer
	Meta            map[string]string // extra metadata recorded in the model file
	MinDelta        float64           // improvement smaller than this does not count for patience
}

// DefaultConfig is the char-rnn recipe's loop: 5000 steps, validation
// and a checkpoint every 250, no early stopping.
func DefaultConfig() Config {
	return Config{Steps: 5000, EvalEvery: 250, CheckpointEvery: 250, Primary: "loss", Optim: nn.DefaultAdamConfig()}
}

// Validate names the first bad option.
func (c Config) Validate() error {
	switch {
	case c.Steps < 1:
		return fmt.Errorf("training.Config.Steps must be >= 1 (got %d)", c.Steps)
	case c.EvalEvery < 0:
		return fmt.Errorf("training.Config.EvalEvery must be >= 0 (got %d)", c.EvalEvery)
	case c.CheckpointEvery < 0:
		return fmt.Errorf("training.Config.CheckpointEvery must be >= 0 (got %d)", c.CheckpointEvery)
	case c.Patience < 0:
		return fmt.Errorf("training.Config.Patience must be >= 0 (got %d)", c.Patience)
	case c.Out == "":
		return errors.New("training.Config.Out is required: the path of the model file to write")
	}
	return c.Optim.Validate()
}

// Point is one validation on the loss curve.
type Point struct {
	Step      int     `json:"step"`
	TrainLoss float64 `json:"train_loss"`
	Metrics   Metrics `json:"metrics"`
	Elapsed   float64 `json:"elapsed_s"`
}

// loopState is everything beyond weights and optimizer moments that a
// resumed run needs to continue as if never stopped.
type loopState struct {
	Step      int     `json:"step"`
	Seed      uint64  `json:"seed"`
	Best      float64 `json:"best"`
	BestStep  int     `json:"best_step"`
	BadEvals  int     `json:"bad_evals"`
	Curve     []Point `json:"curve"`
	RunLoss   float64 `json:"run_loss"`
	RunN      int     `json:"run_n"`
	Elapsed   float64 `json:"elapsed_s"`
	Stopped   bool    `json:"stopped"`
	ParamHash string  `json:"params"`
}

// Result summarises a finished run.
type Result struct {
	Steps    int
	Best     Metrics
	BestStep int
	Curve    []Point
	Stopped  bool // early stopping fired
}

const (
	metaTrainState = "train.state"
	metaAdam       = "train.adam"
)

// Checkpoint is the path of Out's resumable checkpoint.
func Checkpoint(out string) string { return out + ".ckpt" }

func paramSignature(ps nn.Params) string {
	s := ""
	for _, p := range ps {
		s += fmt.Sprintf("%s%v;", p.Name, p.Shape)
	}
	return s
}

// trainer is one run of the loop: the task, its optimizer, the state a
// checkpoint stores and the progress line. Its methods are the loop's
// parts; only they change st.
type trainer struct {
	cfg    Config
	task   Trainable
	params nn.Params
	adam   *nn.Adam
	st     loopState
	prog   *progress
	start  time.Time
}

// Train runs the loop. Interrupting ctx writes a checkpoint and returns
// ctx's error; a later run with Resume continues from it.
func Train(ctx context.Context, task Trainable, cfg Config) (*Result, error) {
	tr, err := newTrainer(task, cfg)
	if err != nil {
		return nil, err
	}
	for tr.st.Step < cfg.Steps && !tr.st.Stopped {
		if err := ctx.Err(); err != nil {
			if serr := tr.save(); serr != nil {
				return nil, errors.Join(err, serr)
			}
			return nil, err
		}
		if err := tr.step(ctx); err != nil {
			return nil, tr.interrupted(ctx, err)
		}
	}
	return tr.finish()
}

// newTrainer validates cfg, builds the optimizer and, with cfg.Resume,
// restores the checkpoint.
func newTrainer(task Trainable, cfg Config) (*trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Primary == "" {
		cfg.Primary = "loss"
	}
	if err := CheckOutput(cfg); err != nil {
		return nil, err
	}
	params := task.Params()
	adam, err := nn.NewAdam(params, cfg.Optim)
	if err != nil {
		return nil, err
	}
	tr := &trainer{cfg: cfg, task: task, params: params, adam: adam,
		st: loopState{Seed: cfg.Seed, Best: math.MaxFloat64, ParamHash: paramSignature(params)}}
	if cfg.Maximize {
		tr.st.Best = -math.MaxFloat64 // finite: the state is stored as JSON
	}
	if cfg.Resume {
		if err := resume(cfg, task, adam, &tr.st); err != nil {
			return nil, err
		}
	}
	tr.prog = newProgress(cfg.Progress, cfg.Steps, task.Unit())
	if err := removeStaleTemps(cfg, tr.prog.note); err != nil {
		return nil, err
	}
	tr.prog.elapsedBefore = tr.st.Elapsed
	tr.start = time.Now()
	return tr, nil
}

// elapsed is the training time in seconds, over every resumed run.
func (tr *trainer) elapsed() float64 { return tr.st.Elapsed + time.Since(tr.start).Seconds() }

// save writes the checkpoint (the stored elapsed time includes this run's).
func (tr *trainer) save() error {
	saveStart := tr.st.Elapsed
	tr.st.Elapsed = tr.elapsed()
	err := writeCheckpoint(tr.cfg, tr.task, tr.adam, &tr.st)
	tr.st.Elapsed = saveStart
	return err
}

// better says whether v improves on the best primary metric by more than
// MinDelta.
func (tr *trainer) better(v float64) bool {
	if tr.cfg.Maximize {
		return v > tr.st.Best+tr.cfg.MinDelta
	}
	return v < tr.st.Best-tr.cfg.MinDelta
}

// step runs one optimizer update, then the validation and checkpoint due.
func (tr *trainer) step(ctx context.Context) error {
	st, cfg := &tr.st, tr.cfg
	loss, units, err := tr.task.TrainStep(st.Step)
	if err != nil {
		return fmt.Errorf("step %d: %w", st.Step+1, err)
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return fmt.Errorf("step %d: loss is %g: lower training.Config.Optim.LR or check the data", st.Step+1, loss)
	}
	if _, err := tr.adam.Update(tr.params); err != nil {
		return fmt.Errorf("step %d: %w", st.Step+1, err)
	}
	st.Step++
	st.RunLoss += loss
	st.RunN++
	tr.prog.step(st.Step, loss, units, tr.adam.LR())
	last := st.Step == cfg.Steps
	if (cfg.EvalEvery > 0 && st.Step%cfg.EvalEvery == 0) || last {
		if err := tr.validate(ctx); err != nil {
			return err
		}
		if cfg.Patience > 0 && st.BadEvals >= cfg.Patience {
			st.Stopped = true
			tr.prog.note(fmt.Sprintf("early stop at step %d: no improvement of %s for %d validations (best %.4f at step %d)",
				st.Step, cfg.Primary, st.BadEvals, st.Best, st.BestStep))
		}
	}
	if (cfg.CheckpointEvery > 0 && st.Step%cfg.CheckpointEvery == 0) || last || st.Stopped {
		return tr.save()
	}
	return nil
}

// validate evaluates the task, extends the loss curve and keeps the model
// when the primary metric improved.
func (tr *trainer) validate(ctx context.Context) error {
	st := &tr.st
	m, err := tr.task.Evaluate(ctx)
	if err != nil {
		return fmt.Errorf("validation at step %d: %w", st.Step, err)
	}
	v, ok := m[tr.cfg.Primary]
	if !ok {
		return fmt.Errorf("validation does not report %q", tr.cfg.Primary)
	}
	tl := math.NaN()
	if st.RunN > 0 {
		tl = st.RunLoss / float64(st.RunN)
	}
	st.Curve = append(st.Curve, Point{Step: st.Step, TrainLoss: tl, Metrics: m, Elapsed: tr.elapsed()})
	st.RunLoss, st.RunN = 0, 0
	tr.prog.validation(st.Step, m)
	if tr.better(v) {
		st.Best, st.BestStep, st.BadEvals = v, st.Step, 0
		return writeModel(tr.cfg, tr.task, st)
	}
	st.BadEvals++
	return nil
}

// finish draws the loss curve and summarises the run.
func (tr *trainer) finish() (*Result, error) {
	st := &tr.st
	tr.prog.done()
	plot := tr.cfg.Plot
	if plot == "" {
		plot = tr.cfg.Out + ".loss.png"
	}
	if err := plots.LossCurve(plot, curvePoints(st.Curve), tr.cfg.Primary); err != nil {
		return nil, err
	}
	res := &Result{Steps: st.Step, BestStep: st.BestStep, Curve: st.Curve, Stopped: st.Stopped}
	for _, p := range st.Curve {
		if p.Step == st.BestStep {
			res.Best = p.Metrics
		}
	}
	return res, nil
}

// writeModel saves the current (best) weights under cfg.Out with training
// metadata: steps, validation figures, elapsed time.
func writeModel(cfg Config, task Trainable, st *loopState) error {
	f, err := task.Model()
	if err != nil {
		return err
	}
	if f.Metadata == nil {
		f.Metadata = map[string]string{}
	}
	for k, v := range cfg.Meta {
		f.Metadata[k] = v
	}
	f.Metadata["train.steps"] = strconv.Itoa(st.Step)
	f.Metadata["train.seed"] = strconv.FormatUint(st.Seed, 10)
	if n := len(st.Curve); n > 0 {
		b, _ := json.Marshal(st.Curve[n-1].Metrics)
		f.Metadata["train.validation"] = string(b)
	}
	return modelfile.Write(cfg.Out, f)
}

// writeCheckpoint saves weights, Adam moments, task state and loop state to
// Out.ckpt atomically: a kill at any moment leaves either the previous
// checkpoint or the new one, never a partial file.
func writeCheckpoint(cfg Config, task Trainable, adam *nn.Adam, st *loopState) error {
	f, err := task.Model()
	if err != nil {
		return err
	}
	if f.Metadata == nil {
		f.Metadata = map[string]string{}
	}
	meta, tensors := task.SaveState()
	for k, v := range meta {
		f.Metadata["state."+k] = v
	}
	for _, t := range tensors {
		t.Name = "state." + t.Name
		f.Add(t)
	}
	for i, p := range task.Params() {
		f.Add(modelfile.Tensor{Name: "adam.m." + p.Name, DType: modelfile.F32, Shape: p.Shape, F32: adam.M[i]})
		f.Add(modelfile.Tensor{Name: "adam.v." + p.Name, DType: modelfile.F32, Shape: p.Shape, F32: adam.V[i]})
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	f.Metadata[metaTrainState] = string(b)
	ab, _ := json.Marshal(adam.Config)
	f.Metadata[metaAdam] = string(ab) + "|" + strconv.Itoa(adam.Step)
	return modelfile.Write(Checkpoint(cfg.Out), f)
}

// resume restores weights, optimizer, task and loop state. A missing or
// mismatched checkpoint is an error, never a silent fresh start.
func resume(cfg Config, task Trainable, adam *nn.Adam, st *loopState) error {
	path := Checkpoint(cfg.Out)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("training.Config.Resume: no checkpoint at %s (it is written next to training.Config.Out every training.Config.CheckpointEvery steps): %w", path, err)
	}
	f, err := modelfile.Read(path)
	if err != nil {
		return fmt.Errorf("training.Config.Resume: %w", err)
	}
	raw, ok := f.Metadata[metaTrainState]
	if !ok {
		return fmt.Errorf("training.Config.Resume: %s is a model file without training state (not a checkpoint)", path)
	}
	var saved loopState
	if err := json.Unmarshal([]byte(raw), &saved); err != nil {
		return fmt.Errorf("training.Config.Resume: %s: corrupt training state: %v", path, err)
	}
	now, err := task.Model()
	if err != nil {
		return err
	}
	if err := checkSameData(path, f, now); err != nil {
		return err
	}
	params := task.Params()
	if saved.ParamHash != paramSignature(params) {
		return fmt.Errorf("training.Config.Resume: %s holds a model of a different shape than the one configured (check the model Config.Cell, Config.Hidden, Config.Layers, Config.Embed and the data)", path)
	}
	if saved.Seed != cfg.Seed {
		return fmt.Errorf("training.Config.Resume: %s was trained with training.Config.Seed %d, not %d: pass the same seed", path, saved.Seed, cfg.Seed)
	}
	if saved.Step > cfg.Steps {
		return fmt.Errorf("training.Config.Resume: %s is already at step %d, beyond training.Config.Steps %d", path, saved.Step, cfg.Steps)
	}
	for i, p := range params {
		for _, pair := range []struct {
			name string
			dst  []float32
		}{{p.Name, p.Data}, {"adam.m." + p.Name, adam.M[i]}, {"adam.v." + p.Name, adam.V[i]}} {
			t, err := f.Get(pair.name)
			if err != nil {
				return fmt.Errorf("training.Config.Resume: %s: %w", path, err)
			}
			if len(t.F32) != len(pair.dst) {
				return fmt.Errorf("training.Config.Resume: %s: tensor %s has %d values, want %d", path, pair.name, len(t.F32), len(pair.dst))
			}
			copy(pair.dst, t.F32)
		}
	}
	adam.Step = saved.Step
	state := &modelfile.File{Task: f.Task, Metadata: map[string]string{}}
	for k, v := range f.Metadata {
		if len(k) > 6 && k[:6] == "state." {
			state.Metadata[k[6:]] = v
		}
	}
	for _, t := range f.Tensors {
		if len(t.Name) > 6 && t.Name[:6] == "state." {
			t.Name = t.Name[6:]
			state.Add(t)
		}
	}
	if err := task.LoadState(state); err != nil {
		return fmt.Errorf("training.Config.Resume: %s: %w", path, err)
	}
	*st = saved
	return nil
}

// curvePoints is the loss curve as plots draws it.
func curvePoints(curve []Point) []plots.CurvePoint {
	pts := make([]plots.CurvePoint, len(curve))
	for i, p := range curve {
		pts[i] = plots.CurvePoint{Step: p.Step, TrainLoss: p.TrainLoss, Metrics: p.Metrics}
	}
	return pts
}
