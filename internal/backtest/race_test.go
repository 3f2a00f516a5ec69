//go:build race

package backtest

// The race detector slows the simulation several times over; `make test`
// runs the short scenario without it (make backtest-short).
func init() { raceEnabled = true }
