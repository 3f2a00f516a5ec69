package cleverfoxfake

import (
	"sync"
	"time"
	_ "time/tzdata" // the fake must run where no zoneinfo is installed
)

// Zone is a Windows time-zone name the fake gives its devices, with the IANA
// zone the fake writes their local times in.
type Zone struct {
	Windows string
	IANA    string
}

// Zones are the device zones of the generated data, east and west of UTC,
// with and without daylight saving, and UTC itself.
var Zones = []Zone{
	{"Eastern Standard Time", "America/New_York"},
	{"Pacific Standard Time", "America/Los_Angeles"},
	{"Central Standard Time", "America/Chicago"},
	{"GMT Standard Time", "Europe/London"},
	{"W. Europe Standard Time", "Europe/Berlin"},
	{"Central Europe Standard Time", "Europe/Budapest"},
	{"India Standard Time", "Asia/Kolkata"},
	{"Tokyo Standard Time", "Asia/Tokyo"},
	{"AUS Eastern Standard Time", "Australia/Sydney"},
	{"UTC", "UTC"},
}

// locations are the loaded zones of Zones, by Windows name.
var locations = sync.OnceValue(func() map[string]*time.Location {
	m := make(map[string]*time.Location, len(Zones))
	for _, z := range Zones {
		if loc, err := time.LoadLocation(z.IANA); err == nil {
			m[z.Windows] = loc
		}
	}
	return m
})

// Location returns the zone the fake writes a device's local times in: the
// IANA zone of a name in Zones, else UTC (as the client reads an unknown
// name).
func Location(windows string) *time.Location {
	if loc, ok := locations()[windows]; ok {
		return loc
	}
	return time.UTC
}
