package collector

import (
	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio"
)

// vendors maps a target's `vendor` key to its client.
var vendors = map[string]Vendor{
	config.VendorClumio:     {New: func(t config.Target, d VendorDeps) (Fetcher, error) { return clumio.New(t, d.API, d.Logger, d.Now) }, ErrorMessage: clumio.ErrorMessage},
	config.VendorCleverFox:  {New: func(t config.Target, d VendorDeps) (Fetcher, error) { return cleverfox.New(t, d.API, d.Logger, d.Now) }, ErrorMessage: cleverfox.ErrorMessage},
	config.VendorCloutility: {New: func(t config.Target, d VendorDeps) (Fetcher, error) { return cloutility.New(t, d.API, d.Logger, d.Now) }, ErrorMessage: cloutility.ErrorMessage},
	config.VendorCloverDX:   {New: func(t config.Target, d VendorDeps) (Fetcher, error) { return cloverdx.New(t, d.API, d.Logger, d.Now) }, ErrorMessage: cloverdx.ErrorMessage},
}
