package data_test

import (
	"math/rand/v2"
	"testing"

	"ganbook/gan/data"
)

func BenchmarkDigits28(b *testing.B) { benchDigits(b, 10000, 28) }
func BenchmarkDigits16(b *testing.B) { benchDigits(b, 10000, 16) }

// benchDigits measures drawing n images of size×size, seed 1.
func benchDigits(b *testing.B, n, size int) {
	b.ReportAllocs()
	for b.Loop() {
		data.Digits(rand.New(rand.NewPCG(1, 0)), n, size)
	}
}
