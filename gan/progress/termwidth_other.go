//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package progress

import "os"

// terminalWidth is unknown here: the caller falls back to $COLUMNS or 80.
func terminalWidth(*os.File) (int, bool) { return 0, false }
