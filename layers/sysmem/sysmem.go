// Package sysmem tells how much memory a program may still take: what the
// operating system reports as available, or less if the program runs in a
// control group with a lower limit. Chapters refuse flags whose run would
// not fit, and checkpoints refuse tensors that could not be held, before
// anything is allocated.
package sysmem

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Available returns the bytes of memory the program can still allocate
// without the system running out: the smaller of MemAvailable in
// /proc/meminfo and the room left under a cgroup's limit (version 2:
// memory.max − memory.current; version 1: memory.limit_in_bytes −
// memory.usage_in_bytes). ok is false where none of these can be read
// (another operating system): the caller then has no limit to check.
func Available() (bytes uint64, ok bool) {
	if v, found := meminfo("/proc/meminfo", "MemAvailable:"); found {
		bytes, ok = v, true
	}
	for _, g := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	} {
		limit, ok1 := readUint(g[0])
		used, ok2 := readUint(g[1])
		if !ok1 || !ok2 {
			continue
		}
		room := uint64(0)
		if limit > used {
			room = limit - used
		}
		if !ok || room < bytes {
			bytes, ok = room, true
		}
	}
	return bytes, ok
}

// meminfo reads a "Key:   123 kB" line of /proc/meminfo, in bytes.
func meminfo(path, key string) (uint64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == key {
			v, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				return 0, false
			}
			if len(fields) >= 3 && fields[2] == "kB" {
				v *= 1024
			}
			return v, true
		}
	}
	return 0, false
}

// readUint reads a file holding one number; "max" (no limit) and anything
// unreadable give false.
func readUint(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil
}

// Format writes a number of bytes for people: "512 B", "3.2 MiB", "61 GiB".
func Format(bytes float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for bytes >= 1024 && i < len(units)-1 {
		bytes /= 1024
		i++
	}
	switch {
	case i == 0:
		return strconv.FormatFloat(bytes, 'f', 0, 64) + " B"
	case bytes < 10:
		return strconv.FormatFloat(bytes, 'f', 1, 64) + " " + units[i]
	}
	return strconv.FormatFloat(bytes, 'f', 0, 64) + " " + units[i]
}
