//go:build race

package visibility_test

// raceEnabled: the race detector slows the property tests tenfold; they run fewer
// directories under it.
const raceEnabled = true
