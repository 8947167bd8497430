package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/recur-dev/recur/decoder"
	"github.com/recur-dev/recur/modelfile"
	"github.com/recur-dev/recur/models"
)

// gptLogitRows is `recur logits` for a GPT: one row of next-token logits
// per input id, from one batched pass (decoder.GPT.Logits).
func gptLogitRows(m *decoder.GPT, ids []int) ([][]float32, error) {
	flat, err := m.Logits(ids)
	if err != nil {
		return nil, err
	}
	V := m.Config.Vocab
	rows := make([][]float32, len(ids))
	for i := range rows {
		rows[i] = flat[i*V : (i+1)*V]
	}
	return rows, nil
}

// convertGPT2Folder is `recur convert --model DIR`: a Hugging Face GPT-2
// checkpoint folder written as a recur textgen model file, keeping the
// folder's precision unless --dtype is set.
func convertGPT2Folder(c *cli.Context, dt modelfile.DType) error {
	if !c.IsSet("dtype") {
		dt = ""
	}
	if len(c.StringSlice("meta")) > 0 {
		return fmt.Errorf("--meta is not supported when converting a GPT-2 checkpoint folder")
	}
	f, err := models.ConvertGPT2Folder(c.String("model"), dt)
	if err != nil {
		return err
	}
	if err := modelfile.Write(c.String("out"), f); err != nil {
		return err
	}
	st, _ := os.Stat(c.String("out"))
	fmt.Fprintf(os.Stderr, "wrote %s (%d tensors, %.2f MB)\n", c.String("out"), len(f.Tensors), float64(st.Size())/1e6)
	return nil
}
