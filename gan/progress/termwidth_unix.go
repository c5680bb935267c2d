//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package progress

import (
	"os"
	"syscall"
	"unsafe"
)

// terminalWidth asks the terminal behind f how many columns it has, with
// the TIOCGWINSZ ioctl; false if f is no terminal or the call fails.
func terminalWidth(f *os.File) (int, bool) {
	conn, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var ws struct{ Row, Col, XPixel, YPixel uint16 }
	var errno syscall.Errno
	err = conn.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	})
	if err != nil || errno != 0 || ws.Col == 0 {
		return 0, false
	}
	return int(ws.Col), true
}
