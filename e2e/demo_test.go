//go:build e2e || soak

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// demo is the simulator plus the exporter with scripts/demo.yml.
type demo struct {
	dir          string
	exporterAddr string
	exporter     *exec.Cmd
	// sim is the simulator, which SIGUSR1 tells to start its delayed
	// incidents (faults, size anomalies) at once.
	sim *exec.Cmd
	// exporterEnv and exporterArgs start the exporter again (restart).
	exporterEnv, exporterArgs []string
}

// startDemoWith starts cmd/vendorsim and the exporter on free loopback ports,
// with configFile, and more flags for the simulator.
func startDemoWith(t *testing.T, configFile string, simArgs []string, exporterArgs ...string) *demo {
	t.Helper()
	d := &demo{dir: t.TempDir(), exporterAddr: freeAddr(t)}
	env := []string{"DEMO_DIR=" + d.dir}
	for _, v := range []string{"clumio", "cleverfox", "cloutility", "cloverdx"} {
		addr := freeAddr(t)
		env = append(env, strings.ToUpper(v)+"_ADDR="+addr)
		simArgs = append(simArgs, fmt.Sprintf("--%s.listen=%s", v, addr))
	}
	simArgs = append(simArgs, "--write-credentials="+d.dir)
	d.sim = start(t, env, binary(t, "vendorsim"), simArgs...)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(d.dir, "vendorsim-ca.pem")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("vendorsim wrote no credentials within 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	args := append([]string{"--config.file=" + configFile, "--web.listen-address=" + d.exporterAddr}, exporterArgs...)
	d.exporterEnv, d.exporterArgs = env, args
	d.exporter = start(t, env, binary(t, "backup_exporter"), args...)
	waitHTTP(t, "http://"+d.exporterAddr+"/-/ready", 60*time.Second)
	return d
}
