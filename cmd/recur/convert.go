package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
)

func convertCommand() *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "rewrite a model file: float16 storage, or strip a checkpoint to a plain model",
		ArgsUsage: " ",
		Description: `Reads any recur model or checkpoint and writes a plain model file: optimizer
moments and training state are dropped, float weights are stored as --dtype.
float16 halves the file (weights are widened back to float32 when loaded).

Example:
    recur convert --model shakespeare.model.ckpt --dtype f16 --out small.model
    recur convert --model ./gpt2/ --out gpt2.model    # a Hugging Face GPT-2 folder

A GPT-2 checkpoint folder keeps its precision unless --dtype is given
(float16 stays float16, float32 and bfloat16 become float32).`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Aliases: []string{"m"}, Required: true, Usage: "model or checkpoint file to read"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "model file to write (atomically)"},
			&cli.StringFlag{Name: "dtype", Value: "f16", Usage: "storage of float weights: f16 or f32"},
			&cli.StringSliceFlag{Name: "meta", Usage: "add metadata KEY=VALUE (repeatable), e.g. --meta test.bleu=38.2"},
		},
		Action: func(c *cli.Context) error {
			var dt modelfile.DType
			switch strings.ToLower(c.String("dtype")) {
			case "f16":
				dt = modelfile.F16
			case "f32":
				dt = modelfile.F32
			default:
				return fmt.Errorf("unknown --dtype %q (valid: f16, f32)", c.String("dtype"))
			}
			if models.IsGPT2Folder(c.String("model")) {
				return convertGPT2Folder(c, dt)
			}
			in, err := modelfile.Read(c.String("model"))
			if err != nil {
				return err
			}
			out := &modelfile.File{Task: in.Task, Metadata: map[string]string{}}
			for k, v := range in.Metadata {
				if k == "train.state" || k == "train.adam" || strings.HasPrefix(k, "state.") {
					continue
				}
				out.Metadata[k] = v
			}
			for _, kv := range c.StringSlice("meta") {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return fmt.Errorf("--meta %q: want KEY=VALUE", kv)
				}
				if modelfile.IsLoaderKey(k) {
					return fmt.Errorf("--meta %q: %s is read by the loader and cannot be set (reserved: %s, and keys starting with %s)",
						kv, k, strings.Join(modelfile.LoaderKeys(), ", "), strings.Join(modelfile.LoaderPrefixes(), " or "))
				}
				out.Metadata[k] = v
			}
			for _, t := range in.Tensors {
				if strings.HasPrefix(t.Name, "adam.") || strings.HasPrefix(t.Name, "state.") {
					continue
				}
				if t.DType == modelfile.F32 || t.DType == modelfile.F16 {
					t.DType = dt
				}
				out.Add(t)
			}
			if err := modelfile.Write(c.String("out"), out); err != nil {
				return err
			}
			st, _ := os.Stat(c.String("out"))
			fmt.Fprintf(os.Stderr, "wrote %s (%d tensors, %.2f MB)\n", c.String("out"), len(out.Tensors), float64(st.Size())/1e6)
			return nil
		},
	}
}
