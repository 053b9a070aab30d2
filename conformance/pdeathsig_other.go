//go:build !linux

package main

// dieWithParent is Linux only; elsewhere the standard-input watch (-watch-stdin) stops the server when its parent
// goes away.
func dieWithParent() {}
