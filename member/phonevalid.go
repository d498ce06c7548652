package member

import (
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// validNumber reports what phonenumbers.IsValidNumber reports, without its garbage:
// the library builds a fresh copy of every pattern it tests ("^(?:" + pattern + ")$",
// several kilobytes for a country's fixed-line plan) and tests each twice, so checking
// one Chinese mobile allocated about 4 KB — 400 MB of garbage for an import of
// 100,000 members, which set the import's peak heap. This tests the same descriptions
// of the same embedded metadata in the same order, each pattern compiled once.
//
// Calling codes shared by several regions (+1, +7, +44, …) need the library's choice
// of region, so they are left to the library.
//
// nsn is the number's national significant number
// (phonenumbers.GetNationalSignificantNumber).
func validNumber(num *phonenumbers.PhoneNumber, nsn string) bool {
	cc := int(num.GetCountryCode())
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	if len(regions) != 1 {
		return phonenumbers.IsValidNumber(num)
	}
	pl := phonePlans()
	md := pl.metadata(regions[0], cc)
	if md == nil {
		return phonenumbers.IsValidNumber(num)
	}
	if !pl.matches(md.GetGeneralDesc(), nsn) {
		return false
	}
	for _, d := range [...]*phonenumbers.PhoneNumberDesc{md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(),
		md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail(), md.GetFixedLine()} {
		if pl.matches(d, nsn) {
			return true
		}
	}
	return !md.GetSameMobileAndFixedLinePattern() && pl.matches(md.GetMobile(), nsn)
}

// formatE164 is phonenumbers.Format(num, phonenumbers.E164) — "+", the calling code and the
// national significant number nsn — without computing nsn a second time.
func formatE164(num *phonenumbers.PhoneNumber, nsn string) string {
	return "+" + strconv.Itoa(int(num.GetCountryCode())) + nsn
}

// plans is the library's embedded metadata by region, with the patterns compiled as
// they are first needed.
type plans struct {
	byRegion map[string]*phonenumbers.PhoneMetadata // region code → metadata
	nonGeo   map[int]*phonenumbers.PhoneMetadata    // calling code → metadata of region "001"
	patterns sync.Map                               // *phonenumbers.PhoneNumberDesc → *regexp.Regexp
}

// phonePlans loads the metadata once; nil maps (a library that cannot read its own
// data) leave every number to the library.
var phonePlans = sync.OnceValue(func() *plans {
	p := &plans{byRegion: map[string]*phonenumbers.PhoneMetadata{}, nonGeo: map[int]*phonenumbers.PhoneMetadata{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return p
	}
	for _, md := range coll.GetMetadata() {
		if md.GetId() == "001" {
			p.nonGeo[int(md.GetCountryCode())] = md
		} else {
			p.byRegion[md.GetId()] = md
		}
	}
	return p
})

// metadata returns the metadata of the region (of the calling code for "001"), or
// nil when it does not serve that calling code.
func (p *plans) metadata(region string, cc int) *phonenumbers.PhoneMetadata {
	md := p.byRegion[region]
	if region == "001" {
		md = p.nonGeo[cc]
	}
	if md == nil || int(md.GetCountryCode()) != cc {
		return nil
	}
	return md
}

// matches reports whether the national significant number fits the description: a
// possible length (when it lists any) and the whole pattern.
func (p *plans) matches(d *phonenumbers.PhoneNumberDesc, nsn string) bool {
	if lengths := d.GetPossibleLength(); len(lengths) > 0 && !slices.Contains(lengths, int32(len(nsn))) {
		return false
	}
	if d == nil {
		return nsn == "" // an absent description's pattern is empty
	}
	re, ok := p.patterns.Load(d)
	if !ok {
		c, err := regexp.Compile("^(?:" + d.GetNationalNumberPattern() + ")$")
		if err != nil {
			return false
		}
		re, _ = p.patterns.LoadOrStore(d, c)
	}
	return re.(*regexp.Regexp).MatchString(nsn)
}
