// Command vendorsim serves the fake APIs of every vendor on loopback ports,
// for `make demo`, the end-to-end tests and benchmarks. The data sets are
// generated from --seed and --scale, so the same flags give the same data.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/backup-exporter/backup_exporter/config"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cleverfox/cleverfoxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloutility/cloutilityfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/cloverdx/cloverdxfake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
	"github.com/backup-exporter/backup_exporter/vendor_clients/fakefault"
)

// fake is one vendor's fake server as the simulator runs it.
type fake struct {
	name    string
	listen  *string
	tls     bool
	handler http.Handler
	faults  *fakefault.Injector
}

func main() {
	app := kingpin.New("vendorsim", "Serves the fake vendor APIs of backup_exporter on loopback.")
	var (
		seed          = app.Flag("seed", "Seed of the generated data sets.").Default("1").Uint64()
		scale         = app.Flag("scale", "Assets per vendor.").Default("60").Int()
		credsDir      = app.Flag("write-credentials", "Write each fake's credentials and the TLS CA into this directory, for the exporter's *_file keys.").String()
		tokenLifetime = app.Flag("cloutility.token-lifetime", "Lifetime of Cloutility access tokens.").Default("299s").Duration()
		sizeAnomalies = app.Flag("live.size-anomalies-after", "After this long (or at SIGUSR1), two Cloutility nodes finish a backup at every live tick, 10 times larger, and 10 times smaller, than their latest before (BackupSizeAnomaly); 0 never. Needs --live.interval.").Default("0s").Duration()
		liveInterval  = app.Flag("live.interval", "Move the data forward this often: CloverDX finishes executions, Cloutility consumers fill up. 0 keeps the data as generated.").Default("5s").Duration()
		failRestores  = app.Flag("clumio.fail-restores", "Make the Clumio restore tasks of these protection groups (id or name) fail, as a restore drill's would. Repeatable.").Strings()
		faults        = registerFaultFlags(app)
	)
	fakes := registerFakes(app)
	kingpin.MustParse(app.Parse(os.Args[1:]))
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	now := time.Now()
	clumio := clumiofake.New(clumiofake.Options{Seed: *seed, Scale: *scale, Now: now})
	for _, g := range *failRestores {
		clumio.FailRestores(g, true)
	}
	cleverfox := cleverfoxfake.New(cleverfoxfake.Options{Seed: *seed, Scale: *scale, Now: now})
	cloutility := cloutilityfake.New(cloutilityfake.Options{Seed: int64(*seed), Scale: *scale, Now: now, TokenLifetime: *tokenLifetime})
	cloverdx := cloverdxfake.New(cloverdxfake.Options{Seed: *seed, Scale: *scale, Now: now})
	fakes[0].handler, fakes[0].faults = clumio, clumio.Faults
	fakes[1].handler, fakes[1].faults = cleverfox, cleverfox.Faults
	fakes[2].handler, fakes[2].faults = cloutility, cloutility.Faults
	fakes[3].handler, fakes[3].faults = cloverdx, cloverdx.Faults

	cert, caPEM, err := selfSignedCert(now)
	if err != nil {
		logger.Error("Cannot make the TLS certificate", "err", err)
		os.Exit(1)
	}
	if *credsDir != "" {
		if err := writeCredentials(*credsDir, caPEM); err != nil {
			logger.Error("Cannot write the credentials", "err", err)
			os.Exit(1)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	incidents := incidentsOnSignal(ctx)
	errc := make(chan error, len(fakes))
	var servers []*http.Server
	for _, f := range fakes {
		if *f.listen == "" {
			continue
		}
		faults.apply(f.faults, *seed, incidents)
		l, err := net.Listen("tcp", *f.listen)
		if err != nil {
			logger.Error("Cannot listen", "vendor", f.name, "err", err)
			os.Exit(1)
		}
		srv := &http.Server{Handler: f.handler, ReadHeaderTimeout: 10 * time.Second}
		scheme := "http"
		if f.tls {
			scheme = "https"
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
			l = tls.NewListener(l, srv.TLSConfig)
		}
		servers = append(servers, srv)
		logger.Info("Serving fake", "vendor", f.name, "url", fmt.Sprintf("%s://%s", scheme, l.Addr()))
		go func() { errc <- srv.Serve(l) }()
	}
	clumio.Update(func(d *clumiofake.Data) {
		if d.DrillReadyGroup != "" {
			logger.Info("Clumio protection group ready for restore drills", "protection_group", d.DrillReadyGroup)
		}
	})
	if *liveInterval > 0 {
		go runLive(ctx, *liveInterval, *sizeAnomalies, incidents, clumio, cloverdx, cloutility)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			logger.Error("A fake stopped", "err", err)
			os.Exit(1)
		}
	case <-ctx.Done():
	}
	for _, srv := range servers {
		_ = srv.Close()
	}
}

// registerFakes declares one fake per vendor, in config.Vendors() order
// (a test holds the two lists together), each with its --<vendor>.listen flag.
func registerFakes(app *kingpin.Application) []*fake {
	return []*fake{
		{name: config.VendorClumio, listen: app.Flag("clumio.listen", "Address of the Clumio fake; empty to not serve it.").Default("127.0.0.1:19101").String()},
		{name: config.VendorCleverFox, tls: true, listen: app.Flag("cleverfox.listen", "Address of the CleverFox fake (TLS); empty to not serve it.").Default("127.0.0.1:19102").String()},
		{name: config.VendorCloutility, listen: app.Flag("cloutility.listen", "Address of the Cloutility fake; empty to not serve it.").Default("127.0.0.1:19103").String()},
		{name: config.VendorCloverDX, listen: app.Flag("cloverdx.listen", "Address of the CloverDX fake; empty to not serve it.").Default("127.0.0.1:19104").String()},
	}
}

// writeCredentials writes the fakes' secrets, one file each, as the
// exporter's *_file keys read them, and the CA of the TLS fakes.
func writeCredentials(dir string, caPEM []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	files := map[string]string{
		"clumio_token":        clumiofake.DefaultToken,
		"cleverfox_api_key":   cleverfoxfake.DefaultAPIKey,
		"cloutility_password": cloutilityfake.DefaultPassword,
		"cloverdx_password":   cloverdxfake.DefaultPassword,
		"vendorsim-ca.pem":    string(caPEM),
	}
	// The CA goes last: its presence tells a waiting script that all are there.
	for _, name := range []string{"clumio_token", "cleverfox_api_key", "cloutility_password", "cloverdx_password", "vendorsim-ca.pem"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]+"\n"), 0o600); err != nil {
			return err
		}
	}
	return nil
}
