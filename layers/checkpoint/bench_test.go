package checkpoint_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"ganbook/layers/checkpoint"
	"ganbook/tensor"
)

// benchTensors returns n float64 values in 8 tensors.
func benchTensors(n int) map[string]*tensor.Tensor {
	r := rand.New(rand.NewPCG(3, 4))
	ts := map[string]*tensor.Tensor{}
	for i := range 8 {
		ts[string(rune('a'+i))] = tensor.RandN(r, n/8)
	}
	return ts
}

func benchSave(b *testing.B, n int) {
	path := filepath.Join(b.TempDir(), "bench.safetensors")
	ts := benchTensors(n)
	b.ReportAllocs()
	b.SetBytes(int64(8 * n))
	for b.Loop() {
		if err := checkpoint.SaveFile(path, ts, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLoad(b *testing.B, n int) {
	path := filepath.Join(b.TempDir(), "bench.safetensors")
	if err := checkpoint.SaveFile(path, benchTensors(n), nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(8 * n))
	for b.Loop() {
		if _, _, err := checkpoint.LoadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSaveFile1M(b *testing.B) { benchSave(b, 1<<20) }
func BenchmarkLoadFile1M(b *testing.B) { benchLoad(b, 1<<20) }
