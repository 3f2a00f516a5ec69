package httpapi

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/backup-exporter/backup_exporter/config"
)

// NewTransport builds the HTTP transport of one target from its TLS and proxy
// settings. Certificate verification stays on unless the config turns it off.
func NewTransport(tlsCfg config.TLSConfig, proxyURL string, maxConns int) (*http.Transport, error) {
	tc, err := TLSClientConfig(tlsCfg)
	if err != nil {
		return nil, err
	}
	proxy := http.ProxyFromEnvironment
	if proxyURL != "" {
		u, err := url.Parse(proxyURL)
		if err != nil {
			return nil, fmt.Errorf("proxy_url: %w", err)
		}
		proxy = http.ProxyURL(u)
	}
	if maxConns < 1 {
		maxConns = 1
	}
	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxConns * 2,
		MaxIdleConnsPerHost:   maxConns,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 0, // the request context bounds the wait
	}, nil
}

// tlsVersions are the values of tls_config.min_version. TLS 1.2 is the
// default; older versions only where a config asks for them.
var tlsVersions = map[string]uint16{
	"TLS10": tls.VersionTLS10,
	"TLS11": tls.VersionTLS11,
	"TLS12": tls.VersionTLS12,
	"TLS13": tls.VersionTLS13,
}

// TLSClientConfig turns a target's tls_config into a crypto/tls config.
func TLSClientConfig(c config.TLSConfig) (*tls.Config, error) {
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         c.ServerName,
		InsecureSkipVerify: c.InsecureSkipVerify, //nolint:gosec // only when the config says so
	}
	if c.MinVersion != "" {
		v, ok := tlsVersions[c.MinVersion]
		if !ok {
			return nil, fmt.Errorf("tls_config.min_version: unknown version %q (want TLS10, TLS11, TLS12 or TLS13)", c.MinVersion)
		}
		tc.MinVersion = v
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls_config.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls_config.ca_file %s: no PEM certificate found", c.CAFile)
		}
		tc.RootCAs = pool
	}
	if c.CertFile != "" || c.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls_config.cert_file/key_file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
