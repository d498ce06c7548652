package parallel_test

import (
	"fmt"

	"github.com/orgkit/orgkit/internal/parallel"
)

func ExampleFor() {
	squares := make([]int, 10)
	parallel.For(len(squares), 2, func(i int) { squares[i] = i * i })
	fmt.Println(squares)
	// Output: [0 1 4 9 16 25 36 49 64 81]
}
