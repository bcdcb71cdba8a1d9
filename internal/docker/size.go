package docker

import (
	"encoding/json"
	"fmt"
	"strings"
)

// installers are the commands whose RUN layer gets a simulated size.
var installers = []string{
	"pip install", "pip3 install", "npm install", "npm ci", "yarn install",
	"apk add", "apt-get install", "apt install", "dnf install", "yum install",
}

// InstallSize is the simulated size of one package install in a RUN step.
const InstallSize = 30_000_000

// RunSize is the SIMULATED size of a RUN layer: the simulator runs no
// command, so it cannot measure what a RUN writes. The rule: 30 MB
// (InstallSize) for every package-manager install in the command (pip,
// npm, yarn, apk, apt-get, dnf, yum), 0 B for any other command. Real
// installs range from kilobytes to gigabytes; the rule only makes the
// dependency layer the big, slow one, as it usually is.
func RunSize(cmd string) int64 {
	var n int64
	c := strings.Join(strings.Fields(cmd), " ")
	for _, in := range installers {
		n += int64(strings.Count(c, in)) * InstallSize
	}
	return n
}

// HumanSize prints a size as the Docker CLI does: decimal units, three
// significant digits (1.02GB, 125MB, 7.8MB, 0B).
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.3g%s", f, units[i])
}

// sizeB is a transfer size as BuildKit's progress prints it (1.23kB, 64B).
func sizeB(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%dB", n)
	}
	return fmt.Sprintf("%.2fkB", float64(n)/1000)
}

func jsonWords(s string, v *[]string) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("invalid JSON form: %s", s)
	}
	return nil
}
