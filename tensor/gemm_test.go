package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGemmTiles calls each micro-kernel directly: count tiles against one
// B micro-panel, into a C whose rows are longer than the tile (ldc > nr),
// starting from +0 or continuing from the values in C. Every lane must be
// the definition's chain from that start, and nothing outside the tiles
// may be written.
func TestGemmTiles(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 0))
	for _, kern := range gemmKernels {
		mr, nr := kern.mr, kern.nr
		for _, kc := range []int{1, 3, 4, 5, 257} {
			for _, count := range []int{1, 3} {
				for _, load := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/kc=%d/count=%d/load=%v", kern.name, kc, count, load), func(t *testing.T) {
						a := matmulRandom(r, count*mr*kc).data
						b := matmulRandom(r, kc*nr).data
						ldc := nr + 3
						c := matmulRandom(r, count*mr*ldc).data
						want := append([]float64(nil), c...)
						for row := range count * mr {
							t, rr := row/mr, row%mr
							for j := range nr {
								s := 0.0
								if load {
									s = want[row*ldc+j]
								}
								for p := range kc {
									s = math.FMA(a[(t*kc+p)*mr+rr], b[p*nr+j], s)
								}
								want[row*ldc+j] = s
							}
						}
						kern.tiles(count, kc, a, b, c, ldc, load)
						requireSameBits(t, want, c)
					})
				}
			}
		}
	}
}

// KernelName names the kernel products use, the first (fastest) of those
// this CPU can run; the portable kernel is always among them.
func TestKernelName(t *testing.T) {
	require.NotEmpty(t, gemmKernels)
	assert.Equal(t, gemmKernels[0].name, KernelName())
	assert.Same(t, kernelGo, gemmKernels[len(gemmKernels)-1])
	for _, kern := range gemmKernels {
		assert.LessOrEqual(t, kern.mr*kern.nr, maxTile, kern.name)
		assert.Zero(t, kern.mc%kern.mr, "%s: mc is not a multiple of mr", kern.name)
	}
}

// shareItems calls fn once for every item, whoever runs it, also when two
// goroutines share work at the same time and with GOMAXPROCS 1.
func TestShareItems(t *testing.T) {
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprintf("procs=%d", procs), func(t *testing.T) {
			withProcs(procs, func() {
				var wg sync.WaitGroup
				for g := range 2 {
					wg.Go(func() {
						for round := range 50 {
							count := 1 + (round*7+g)%40
							calls := make([]atomic.Int32, count)
							shareItems(count, func(i int) { calls[i].Add(1) })
							for i := range calls {
								assert.Equal(t, int32(1), calls[i].Load(), "item %d of %d", i, count)
							}
						}
					})
				}
				wg.Wait()
			})
		})
	}
}

// Linux says how its CPUs share cores; this machine's count must be
// between 1 and the number of CPUs (or 0 where the system does not say).
func TestPhysicalCores(t *testing.T) {
	c := physicalCores()
	assert.GreaterOrEqual(t, c, 0)
	assert.LessOrEqual(t, c, runtime.NumCPU())
	if _, err := os.Stat("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list"); err == nil {
		assert.Positive(t, c)
	}
}
