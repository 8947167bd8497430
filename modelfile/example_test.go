package modelfile_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/recur-dev/recur/modelfile"
)

func ExampleWrite() {
	dir, err := os.MkdirTemp("", "modelfile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.bin")

	f := &modelfile.File{
		Task:     "textgen",
		Metadata: map[string]string{"config": `{"cell":"lstm","hidden":2}`},
	}
	f.Add(modelfile.Tensor{Name: "rnn.weight_ih_l0", DType: modelfile.F16, Shape: []int{2, 3},
		F32: []float32{0.1, 0.2, 0.3, -0.1, -0.2, -0.3}})
	f.Add(modelfile.Tensor{Name: "vocab.ids", DType: modelfile.I32, Shape: []int{3}, I32: []int32{7, 8, 9}})
	if err := modelfile.Write(path, f); err != nil {
		log.Fatal(err)
	}
	fi, _ := os.Stat(path)
	fmt.Println("bytes:", fi.Size())
	// Output:
	// bytes: 376
}

func ExampleRead() {
	dir, err := os.MkdirTemp("", "modelfile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.bin")
	f := &modelfile.File{Task: "markov", Metadata: map[string]string{"order": "3"}}
	f.Add(modelfile.Tensor{Name: "counts", DType: modelfile.F32, Shape: []int{2, 2}, F32: []float32{1, 2, 3, 4}})
	if err := modelfile.Write(path, f); err != nil {
		log.Fatal(err)
	}

	m, err := modelfile.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	t, err := m.Get("counts")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Task, m.Metadata["order"], t.Shape, t.F32)

	// ReadTask refuses a model trained for something else.
	_, err = modelfile.ReadTask(path, "textgen")
	fmt.Println(err != nil)
	// Output:
	// markov 3 [2 2] [1 2 3 4]
	// true
}
