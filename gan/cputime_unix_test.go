//go:build unix

package gan

import (
	"syscall"
	"testing"
	"time"
)

// processCPUTime returns the CPU time (user + system) this process has
// used so far, or 0 if it is unknown. On a machine shared with other work,
// a benchmark's CPU time is steadier than its wall-clock time.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPUTime adds the process's CPU time per iteration since start
// ("cpu-ms/op") to a benchmark's results. With -cpu 1 it is the time of the
// work itself even when other programs share the core, which makes it the
// figure to compare with a single-threaded reference timed the same way.
func reportCPUTime(b *testing.B, start time.Duration) {
	if used := processCPUTime() - start; used > 0 && start > 0 {
		b.ReportMetric(used.Seconds()*1e3/float64(b.N), "cpu-ms/op")
	}
}
