package httpapi

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backup-exporter/backup_exporter/config"
)

// writeServerCA writes the test server's certificate as a PEM CA bundle.
func writeServerCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLSVerification(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("{}")) }))
	defer srv.Close()
	ca := writeServerCA(t, srv)

	for _, tc := range []struct {
		name    string
		tls     config.TLSConfig
		wantErr string
	}{
		{name: "unknown CA is refused", tls: config.TLSConfig{}, wantErr: "certificate"},
		{name: "ca_file trusts the server", tls: config.TLSConfig{CAFile: ca}},
		{name: "insecure_skip_verify when the config says so", tls: config.TLSConfig{InsecureSkipVerify: true}},
		{name: "server_name must match the certificate", tls: config.TLSConfig{CAFile: ca, ServerName: "api.invalid"}, wantErr: "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := NewTransport(tc.tls, "", 2)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := newTestClient(t, srv.URL, func(o *Options) { o.Transport = tr; o.MaxRetries = -1 })
			_, err = c.Do(context.Background(), Request{Path: "/"})
			if tc.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one about %q", err, tc.wantErr)
			}
		})
	}
}

func TestTLSMinimumVersion(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("{}")) }))
	srv.TLS = &tls.Config{MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10}
	srv.StartTLS()
	defer srv.Close()
	ca := writeServerCA(t, srv)

	tr, err := NewTransport(config.TLSConfig{CAFile: ca}, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, srv.URL, func(o *Options) { o.Transport = tr; o.MaxRetries = -1 })
	if _, err := c.Do(context.Background(), Request{Path: "/"}); err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("a TLS 1.1 server: error %v, want a protocol version refusal", err)
	}
}

func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	for _, tc := range []struct {
		tls  config.TLSConfig
		want string
	}{
		{config.TLSConfig{CAFile: filepath.Join(dir, "missing.pem")}, "tls_config.ca_file"},
		{config.TLSConfig{CAFile: notPEM}, "no PEM certificate found"},
		{config.TLSConfig{CertFile: notPEM, KeyFile: notPEM}, "tls_config.cert_file/key_file"},
		{config.TLSConfig{MinVersion: "SSL3"}, `unknown version "SSL3"`},
	} {
		if _, err := TLSClientConfig(tc.tls); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.tls, err, tc.want)
		}
	}
	if _, err := NewTransport(config.TLSConfig{}, "://bad", 1); err == nil || !strings.Contains(err.Error(), "proxy_url") {
		t.Errorf("bad proxy_url: error %v", err)
	}
}

func TestProxyURL(t *testing.T) {
	var sawProxy string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawProxy = r.URL.String() // a proxy receives the absolute URL
		w.Write([]byte("{}"))
	}))
	defer proxy.Close()
	tr, err := NewTransport(config.TLSConfig{}, proxy.URL, 1)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, "http://api.invalid", func(o *Options) { o.Transport = tr })
	if _, err := c.Do(context.Background(), Request{Path: "/v1/me"}); err != nil {
		t.Fatal(err)
	}
	if sawProxy != "http://api.invalid/v1/me" {
		t.Errorf("proxy saw %q", sawProxy)
	}
}
