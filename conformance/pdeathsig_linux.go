package main

import (
	"os"
	"syscall"
)

// dieWithParent asks the kernel to send SIGTERM when the parent process dies, so a test runner that is killed
// does not leave an API server behind. If the parent is already gone (this process was re-parented before the
// request took effect), it stops at once.
func dieWithParent() {
	ppid := os.Getppid()
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if errno != 0 {
		return
	}
	if os.Getppid() != ppid {
		fatal("parent process is gone")
	}
}
