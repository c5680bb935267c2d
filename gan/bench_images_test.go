package gan

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkImageDCGANStep times one step of the image chapters' default
// DCGAN (DefaultImageBudget: 16×16, Z = 32, C = 32, batch 32, DCGANGame):
// one D update on a real and a generated batch, one G update. It reports
// the CPU time per step too ("cpu-ms/op"), steadier than the wall time on
// a shared machine.
func BenchmarkImageDCGANStep(b *testing.B) {
	data := DrawnDigits(1, 2000, 0).Train
	t := &Images{Data: data, Batch: 32, Noise: 32, budget: DefaultImageBudget(), steps: 1 << 30}
	t.R = rand.New(rand.NewPCG(1, 2))
	t.G, t.D = NewDCGAN(rand.New(rand.NewPCG(1, 1)), DCGANConfig{Size: DigitSize, Noise: 32, Width: 32})
	step := DCGANGame()(t)
	for range 3 {
		step(1)
	}
	b.ReportAllocs()
	i := 1
	cpu := processCPUTime()
	for b.Loop() {
		step(i)
		i++
	}
	reportCPUTime(b, cpu)
}
