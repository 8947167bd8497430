package models_test

import (
	"fmt"
	"os"

	"github.com/recur-dev/recur/internal/gpt2test"
	"github.com/recur-dev/recur/models"
)

// Loading a GPT-2 folder (LoadLanguageModel reads a directory as one) and converting it: the file keeps float16.
func ExampleConvertGPT2Folder() {
	dir, _ := os.MkdirTemp("", "gpt2")
	defer os.RemoveAll(dir)
	gpt2test.WriteFolder(dir, gpt2test.Tiny(), gpt2test.Options{Float16: true})
	m, err := models.LoadLanguageModel(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, _ := m.Tokenizer.Encode(" the cat")
	fmt.Println(m.Arch, m.Tokenizer.Level(), m.GPT.Config.Layers, len(ids) > 0)
	f, _ := models.ConvertGPT2Folder(dir, "")
	fmt.Println(f.Task, f.Tensors[0].Name, f.Tensors[0].DType)
	// Output:
	// gpt bpe 2 true
	// textgen transformer.wte.weight F16
}
