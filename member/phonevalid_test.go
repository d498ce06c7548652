package member

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/require"
)

// phoneVariants returns the example numbers of every region's every number type in
// the library's metadata, each with variants around it (last digit changed, a digit
// more, a digit less, another leading digit), as written in that region.
func phoneVariants(t testing.TB) (regions []string, numbers []string) {
	coll, err := phonenumbers.MetadataCollection()
	require.NoError(t, err)
	for _, md := range coll.GetMetadata() {
		region := md.GetId()
		if region == "001" {
			region = "ZZ" // non-geographic numbers parse in international form only
		}
		for _, d := range []*phonenumbers.PhoneNumberDesc{md.GetGeneralDesc(), md.GetFixedLine(), md.GetMobile(),
			md.GetTollFree(), md.GetPremiumRate(), md.GetSharedCost(), md.GetPersonalNumber(), md.GetVoip(),
			md.GetPager(), md.GetUan(), md.GetVoicemail()} {
			ex := d.GetExampleNumber()
			if ex == "" {
				continue
			}
			if region == "ZZ" {
				ex = "+" + itoa(int(md.GetCountryCode())) + ex
			}
			last := ex[len(ex)-1]
			for _, v := range []string{ex, ex[:len(ex)-1] + string('0'+(last-'0'+1)%10), ex + "7", ex[:len(ex)-1], "9" + ex} {
				regions, numbers = append(regions, region), append(numbers, v)
			}
		}
	}
	return regions, numbers
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestValidNumberAgreesWithLibrary checks validNumber against phonenumbers.IsValidNumber
// on the example numbers of every region and number type in the library's metadata
// and on variants of each, valid and invalid.
func TestValidNumberAgreesWithLibrary(t *testing.T) {
	regions, numbers := phoneVariants(t)
	valid, invalid, own := 0, 0, 0
	for i, s := range numbers {
		num, err := phonenumbers.Parse(s, regions[i])
		if err != nil {
			continue
		}
		want := phonenumbers.IsValidNumber(num)
		nsn := phonenumbers.GetNationalSignificantNumber(num)
		require.Equal(t, want, validNumber(num, nsn), "%s in %s", s, regions[i])
		require.Equal(t, phonenumbers.Format(num, phonenumbers.E164), formatE164(num, nsn), "%s in %s", s, regions[i])
		if want {
			valid++
		} else {
			invalid++
		}
		if len(phonenumbers.GetRegionCodesForCountryCode(int(num.GetCountryCode()))) == 1 {
			own++ // answered from the metadata, not by the library
		}
	}
	require.Greater(t, valid, 1000)
	require.Greater(t, invalid, 1000)
	require.Greater(t, own, 2000)
}

// TestValidNumberAllocatesLittle: a Chinese mobile is checked without copying the
// plan's patterns (the library allocates kilobytes per number, in a dozen pieces).
// Allocations are counted, not timed, the fewest of a few tries: the count is the
// process's, and a goroutine another test left behind may allocate meanwhile.
func TestValidNumberAllocatesLittle(t *testing.T) {
	num, err := phonenumbers.Parse("13912345678", "CN")
	require.NoError(t, err)
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	require.True(t, validNumber(num, nsn))
	ours, library := fewestAllocs(func() { validNumber(num, nsn) }), fewestAllocs(func() { phonenumbers.IsValidNumber(num) })
	t.Logf("allocations per check: %v, the library's %v", ours, library)
	require.LessOrEqual(t, ours, 4.0) // none; the race detector's instrumentation adds a few
	require.Less(t, 4*ours, library, "the library allocates little now: validNumber may be deleted")
}

// fewestAllocs returns the fewest allocations per call of f over five tries.
func fewestAllocs(f func()) float64 {
	fewest := testing.AllocsPerRun(50, f)
	for range 4 {
		fewest = min(fewest, testing.AllocsPerRun(50, f))
	}
	return fewest
}

// FuzzValidNumber checks validNumber against phonenumbers.IsValidNumber on any text
// that parses as a number in one of a few regions.
func FuzzValidNumber(f *testing.F) {
	for _, s := range []string{"13912345678", "+8613912345678", "010 1234 5678", "+852 1234 5678",
		"+1 650 253 0000", "+44 20 7946 0958", "+800 1234 5678", "+7 912 345 6789", "0311234567", "+79"} {
		f.Add(s, uint8(0))
	}
	regions := []string{"CN", "HK", "TW", "US", "GB", "JP", "DE", "RU", "ZZ"}
	f.Fuzz(func(t *testing.T, s string, r uint8) {
		region := regions[int(r)%len(regions)]
		num, err := phonenumbers.Parse(s, region)
		if err != nil {
			return
		}
		nsn := phonenumbers.GetNationalSignificantNumber(num)
		if want := phonenumbers.IsValidNumber(num); validNumber(num, nsn) != want {
			t.Fatalf("%q in %s: validNumber says %v, the library %v", s, region, !want, want)
		}
		if want := phonenumbers.Format(num, phonenumbers.E164); formatE164(num, nsn) != want {
			t.Fatalf("%q in %s: e164 gives %q, the library %q", s, region, formatE164(num, nsn), want)
		}
	})
}
