package progress_test

import (
	"os"
	"time"

	"ganbook/gan/progress"
)

func Example() {
	// A fake clock, so that the output is the same on every machine: each
	// step takes 10 ms. Real programs call progress.New(os.Stderr, ...).
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return t }

	bar := progress.NewWithOptions(os.Stdout, 500, "wgan", progress.Options{Mode: progress.Plain, Now: clock})
	for step := 1; step <= 500; step++ {
		t = t.Add(10 * time.Millisecond)
		w1 := 2 / float64(step) // stands in for the critic's estimate
		bar.Update(step, progress.Metric{Name: "W1", Value: w1})
	}
	bar.Finish()
	// Output:
	// wgan step 50/500 (10%) 100 steps/s ETA 4.5s W1 0.04
	// wgan step 100/500 (20%) 100 steps/s ETA 4.0s W1 0.02
	// wgan step 150/500 (30%) 100 steps/s ETA 3.5s W1 0.01333
	// wgan step 200/500 (40%) 100 steps/s ETA 3.0s W1 0.01
	// wgan step 250/500 (50%) 100 steps/s ETA 2.5s W1 0.008
	// wgan step 300/500 (60%) 100 steps/s ETA 2.0s W1 0.006667
	// wgan step 350/500 (70%) 100 steps/s ETA 1.5s W1 0.005714
	// wgan step 400/500 (80%) 100 steps/s ETA 1.0s W1 0.005
	// wgan step 450/500 (90%) 100 steps/s ETA 0.5s W1 0.004444
	// wgan done 500/500 in 5.0s (100 steps/s) W1 0.004
}
