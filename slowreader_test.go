package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/backup-exporter/backup_exporter/vendor_clients/clumio/clumiofake"
)

// smallSendBuffers shrinks the send buffer of every accepted connection,
// so that a client that stops reading blocks the server's writes after a
// few kilobytes rather than after the kernel's megabytes.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// TestSlowReaderCannotHoldAScrapeSlot has a client ask for a large /metrics
// and stop reading, with one scrape slot: while it holds the slot other
// scrapes get 503, and once the write timeout passes the slot is free again.
func TestSlowReaderCannotHoldAScrapeSlot(t *testing.T) {
	fake := httptest.NewServer(clumiofake.New(clumiofake.Options{Seed: 1, Scale: 1000}))
	defer fake.Close()
	ts := newTestServer(t, "targets:\n"+clumioTarget("a", fake.URL, clumiofake.DefaultToken), func(s *server) { s.slots = newSlots(1) })
	if code, _ := ts.get(t, "/metrics"); code != http.StatusOK { // refreshes and caches the target
		t.Fatalf("first scrape: %d", code)
	}
	ts.Close() // serve the same routes from a server with the exporter's timeouts instead
	mux, err := (&server{reloader: ts.reloader, selfGatherer: ts.selfReg, logger: ts.reloader.logger, slots: newSlots(1), telemetryPath: "/metrics"}).routes()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const writeTimeout = 2 * time.Second
	srv := newHTTPServer(mux, writeTimeout)
	go func() { _ = srv.Serve(smallSendBuffers{ln}) }()
	t.Cleanup(func() { _ = srv.Close() })
	base := "http://" + ln.Addr().String()

	get := func() int {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(); code != http.StatusOK {
		t.Fatalf("a scrape from the cache: %d", code)
	}

	slow, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	_ = slow.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := io.WriteString(slow, "GET /metrics HTTP/1.1\r\nHost: exporter\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(slow, make([]byte, 64)); err != nil {
		t.Fatalf("the slow client got no answer: %v", err)
	}
	// It reads no more: its scrape holds the only slot.
	if code := get(); code != http.StatusServiceUnavailable {
		t.Fatalf("a scrape beside the slow reader: %d, want 503 (the slot held)", code)
	}
	deadline := time.Now().Add(10 * writeTimeout)
	for get() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("the slow reader still holds the scrape slot %v after the write timeout", 10*writeTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
