//go:build !unix

package gan

import (
	"testing"
	"time"
)

// processCPUTime returns 0: CPU time is not measured on this system.
func processCPUTime() time.Duration { return 0 }

// reportCPUTime reports nothing where CPU time is not measured.
func reportCPUTime(*testing.B, time.Duration) {}
