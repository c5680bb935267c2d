//go:build unix

package gan

import (
	"syscall"
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
