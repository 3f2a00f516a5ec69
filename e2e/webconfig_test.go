//go:build e2e

package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestWebConfig serves the exporter with --web.config.file: TLS with a
// certificate from a generated CA, TLS 1.2 at least, and basic auth with a
// bcrypt password. Every path, /-/healthy included, asks for the password;
// /-/reload answers POST; /-/quit does not exist. Beside it,
// --web.health-listen-address answers /-/healthy and /-/ready in plain HTTP
// without credentials, and nothing else.
func TestWebConfig(t *testing.T) {
	dir := t.TempDir()
	addr, healthAddr := freeAddr(t), freeAddr(t)
	pool := writeServerCert(t, dir)
	hash, err := bcrypt.GenerateFromPassword([]byte("scrape-secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "web.yml"), "tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  min_version: TLS12\n"+
		"basic_auth_users:\n  prometheus: "+string(hash)+"\n")
	writeFile(t, filepath.Join(dir, "exporter.yml"), "targets:\n  - name: offline\n    vendor: clumio\n    url: http://127.0.0.1:9\n    bearer_token: not-a-real-token\n")
	start(t, nil, binary(t, "backup_exporter"), "--config.file="+filepath.Join(dir, "exporter.yml"),
		"--web.listen-address="+addr, "--web.config.file="+filepath.Join(dir, "web.yml"), "--web.health-listen-address="+healthAddr)

	client := func(minV, maxV uint16) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: minV, MaxVersion: maxV},
		}}
	}
	tls12 := client(tls.VersionTLS12, tls.VersionTLS12)
	do := func(c *http.Client, method, path, user, pass string) (int, error) {
		req, _ := http.NewRequest(method, "https://"+addr+path, nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _ := do(tls12, http.MethodGet, "/-/healthy", "prometheus", "scrape-secret"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the exporter did not answer over TLS within 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	for _, tc := range []struct {
		method, path, user, pass string
		want                     int
	}{
		{"GET", "/metrics", "", "", http.StatusUnauthorized},
		{"GET", "/metrics", "prometheus", "wrong", http.StatusUnauthorized},
		{"GET", "/metrics", "other", "scrape-secret", http.StatusUnauthorized},
		{"GET", "/metrics", "prometheus", "scrape-secret", http.StatusOK},
		{"GET", "/probe?target=offline", "", "", http.StatusUnauthorized},
		{"GET", "/probe?target=offline", "prometheus", "scrape-secret", http.StatusOK},
		{"GET", "/-/healthy", "", "", http.StatusUnauthorized},
		{"GET", "/-/healthy", "prometheus", "scrape-secret", http.StatusOK},
		{"GET", "/config", "", "", http.StatusUnauthorized},
		{"POST", "/-/reload", "", "", http.StatusUnauthorized},
		{"POST", "/-/reload", "prometheus", "scrape-secret", http.StatusOK},
		{"POST", "/-/quit", "prometheus", "scrape-secret", http.StatusNotFound},
	} {
		code, err := do(tls12, tc.method, tc.path, tc.user, tc.pass)
		if err != nil || code != tc.want {
			t.Errorf("%s %s as %q: %d %v, want %d", tc.method, tc.path, tc.user, code, err, tc.want)
		}
	}

	if _, err := do(client(tls.VersionTLS10, tls.VersionTLS11), http.MethodGet, "/-/healthy", "prometheus", "scrape-secret"); err == nil {
		t.Error("a TLS 1.1 client was served: want TLS 1.2 at least")
	}
	if code, err := do(client(tls.VersionTLS13, tls.VersionTLS13), http.MethodGet, "/-/healthy", "prometheus", "scrape-secret"); err != nil || code != http.StatusOK {
		t.Errorf("a TLS 1.3 client: %d %v", code, err)
	}
	// /-/ready turns 200 once the offline target's first refresh has
	// failed, retries included.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + healthAddr + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the health listener's /-/ready is not 200 within a minute: %v", err)
		}
	}
	for path, want := range map[string]int{
		"/-/healthy": http.StatusOK,
		"/metrics":   http.StatusNotFound, "/": http.StatusNotFound, "/config": http.StatusNotFound, "/probe?target=offline": http.StatusNotFound,
	} {
		resp, err := http.Get("http://" + healthAddr + path)
		if err != nil {
			t.Errorf("health listener %s: %v", path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("health listener %s without credentials: %d, want %d", path, resp.StatusCode, want)
		}
	}

	resp, err := http.Get("http://" + addr + "/metrics")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP was served")
		}
	}
}

// writeServerCert writes server.pem and server-key.pem, for localhost and
// 127.0.0.1, signed by a new CA, and returns a pool that trusts the CA.
func writeServerCert(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "backup_exporter test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "server.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, filepath.Join(dir, "server-key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if strings.TrimSpace(ca.Subject.CommonName) == "" {
		t.Fatal("no CA")
	}
	return pool
}
