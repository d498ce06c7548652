package connector

// SetParallelChunk sets the fewest members a planner worker gets and returns the
// previous value (tests make small snapshots go parallel with it).
func SetParallelChunk(n int) int {
	old := parallelChunk
	parallelChunk = n
	return old
}
