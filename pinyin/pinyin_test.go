package pinyin_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/orgkit/orgkit"
	"github.com/orgkit/orgkit/directory"
	"github.com/orgkit/orgkit/pinyin"
)

func TestReadings(t *testing.T) {
	py := pinyin.New()
	tests := []struct {
		in   string
		want [][]string
	}{
		{"张三", [][]string{{"zhang"}, {"san"}}},
		{"曾", [][]string{{"ceng", "zeng"}}},
		{"吕布", [][]string{{"lv"}, {"bu"}}},
		{"单", [][]string{{"dan", "chan", "shan"}}},
		{"A张 1", [][]string{nil, {"zhang"}, nil, nil}},
		{"〇", [][]string{{"ling", "yuan", "xing"}}},
		{"", [][]string{}},
		{"é", [][]string{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, py.Readings(tt.in))
			assert.Equal(t, tt.want, py.Readings(tt.in), "cached the same")
		})
	}
	assert.Nil(t, py.Rune('a'))
	assert.Nil(t, py.Rune('😀'))
}

func TestReadingsConcurrently(t *testing.T) {
	py := pinyin.New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				assert.Equal(t, [][]string{{"ceng", "zeng"}, {"xiao"}, {"ming", "meng"}}, py.Readings("曾小明"))
			}
		}()
	}
	wg.Wait()
}

func TestDirectoryKeys(t *testing.T) {
	svc := directory.New(directory.Options{Transliterator: pinyin.New()})
	tests := []struct{ in, key string }{
		{"研发中心", "yan-fa-zhong-xin"},
		{"Acme 北京", "acme-bei-jing"},
		{"北京Acme", "bei-jing-acme"},
		{"R&D 部", "r-d-bu"},
		{"Café", "cafe"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			snap, err := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name(tt.in)})
			require.NoError(t, err)
			assert.Equal(t, tt.key, snap.Settings().Key)
		})
	}
}

func ExampleTransliterator_Readings() {
	py := pinyin.New()
	fmt.Println(py.Readings("曾小明"))
	// Output: [[ceng zeng] [xiao] [ming meng]]
}

func Example_directoryKey() {
	svc := directory.New(directory.Options{Transliterator: pinyin.New()})
	snap, _ := svc.Create(context.Background(), directory.NewDirectory{Name: orgkit.Name("北京研发中心")})
	fmt.Println(snap.Settings().Key)
	// Output: bei-jing-yan-fa-zhong-xin
}
