package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal: progress is shown on stderr
// only then, never in a pipe or a file.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress returns a writer that shows the bytes written through it on
// stderr, as a spinner with the rate ("exporting (300 kB/s)"), and a
// function that clears the line when done. When stderr is not a terminal,
// it returns io.Discard and a no-op: scripts see nothing.
func (x *env) progress(description string) (io.Writer, func()) {
	terminal := isTerminal
	if x.isTerminal != nil {
		terminal = x.isTerminal
	}
	if !terminal(x.stderr) {
		return io.Discard, func() {}
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(x.stderr),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
	return bar, func() { _ = bar.Finish() }
}
