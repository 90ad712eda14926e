package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// lowerPriority gives the process the nice value n, as nice(1) would, so
// that a re-index on the machine a server runs on leaves the server the
// CPU first. On Linux the nice value belongs to each thread and a new thread
// takes its creator's, so every thread is set, twice over to catch one the
// Go runtime started during the first pass; later threads inherit it. A
// thread already nicer than n is left alone.
func lowerPriority(n int) error {
	if n <= 0 {
		return nil
	}
	for range 2 {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("lowering the priority: %w", err)
		}
		for _, task := range tasks {
			tid, err := strconv.Atoi(task.Name())
			if err != nil {
				continue
			}
			// The system call answers 20 − nice.
			if prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil && 20-prio >= n {
				continue
			}
			if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, n); err != nil && !errors.Is(err, syscall.ESRCH) {
				return fmt.Errorf("lowering the priority of thread %d to nice %d: %w", tid, n, err)
			}
		}
	}
	return nil
}
