// Package pinyin transliterates Chinese characters into pinyin for orgkit, so that
// members and departments named in Chinese can be found by their pinyin ("zhangsan",
// "zs" → 张三) and directories named in Chinese get readable keys.
//
// It is opt-in: the core packages never import it, so hosts that do not need pinyin
// do not load its dictionary (github.com/mozillazg/go-pinyin, which has every reading
// of polyphonic characters: 曾 → ceng, zeng).
//
// # Search
//
// New returns a Transliterator to put in directory.Search:
//
//	py := pinyin.New()
//	res, err := snap.Search(directory.Search{Text: "zs", Transliterator: py})
//
// Keep one Transliterator per process: it caches each character's readings, and the
// directory caches its reading index per snapshot and Transliterator.
//
// # Directory keys
//
// Given to the directory service, it romanizes Chinese directory names into keys:
//
//	svc := directory.New(directory.Options{Transliterator: pinyin.New()})
//	snap, err := svc.Create(ctx, directory.NewDirectory{Name: orgkit.Name("北京研发中心")})
//	// snap.Settings().Key == "bei-jing-yan-fa-zhong-xin"
package pinyin
