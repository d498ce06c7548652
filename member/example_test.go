package member_test

import (
	"bytes"
	"fmt"

	"github.com/orgkit/orgkit/member"
)

func ExampleRules_NormalizeMobile() {
	cn := member.Rules{} // domestic numbers are read in CN by default
	for _, s := range []string{"139 0000 0000", "+852-51234567", "１３９００００００００"} {
		e164, err := cn.NormalizeMobile(s)
		fmt.Println(e164, err)
	}
	_, err := cn.NormalizeMobile("12-34")
	fmt.Println(err != nil)
	// Output:
	// +8613900000000 <nil>
	// +85251234567 <nil>
	// +8613900000000 <nil>
	// true
}

func ExampleCheckAvatar() {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	a, err := member.CheckAvatar(bytes.NewReader(png))
	fmt.Println(a.MIMEType, a.Size, err)
	_, err = member.CheckAvatar(bytes.NewReader([]byte("%PDF-1.7 pretending to be a picture")))
	fmt.Println(err != nil)
	// Output:
	// image/png 72 <nil>
	// true
}
