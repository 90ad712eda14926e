//go:build !linux

package main

// lowerPriority is Linux-only; elsewhere, run the command under nice(1).
func lowerPriority(n int) error { return nil }
