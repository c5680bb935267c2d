//go:build !purego

package tensor

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The kernels found from CPUID agree with the flags Linux reports in
// /proc/cpuinfo (which it also reads from CPUID, but masks by what the
// kernel enabled).
func TestCPUKernelsMatchProcCPUInfo(t *testing.T) {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skip("no /proc/cpuinfo")
	}
	var flags []string
	for line := range strings.Lines(string(info)) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = strings.Fields(value)
			break
		}
	}
	has := func(f string) bool { return slices.Contains(flags, f) }
	var want []*gemmKernel
	if has("avx512f") {
		want = append(want, kernelAVX512)
	}
	if has("avx2") && has("fma") {
		want = append(want, kernelAVX2)
	}
	want = append(want, kernelGo)
	assert.Equal(t, want, gemmKernels)
}
