//go:build unix

package shell

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// TestFIFOIsNotReadAsAFile: opening a FIFO for reading would block the
// shell; it is refused before it is opened.
func TestFIFOIsNotReadAsAFile(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for name, opt := range map[string]Option{"learner": WithDir(dir), "confined": WithConfinedDir(dir)} {
		sh := New(cloud.New(1), opt, WithCommands(readCmd))
		for _, arg := range []string{"--text file://pipe", "--zip fileb://pipe"} {
			if _, err := runRead(t, sh, arg); err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s %s: %v", name, arg, err)
			}
		}
	}
}
