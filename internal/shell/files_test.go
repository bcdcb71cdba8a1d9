package shell

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// readCmd echoes what the shell read for --text (file://) and --zip (fileb://).
var readCmd = Command{Service: "test", Operation: "read", Options: []OptSpec{{Name: "text"}, {Name: "zip"}},
	Run: func(ctx *Ctx, a Args) (Result, error) {
		b, ok := a.Blob("zip")
		return Result{Text: fmt.Sprintf("text=%q zip=%v/%d", a.Str("text"), ok, len(b))}, nil
	}}

// fileTree makes base/scripts (the script's folder) with a.json, base/b.json
// next to it, base/outside.json for escapes, base/scripts/dir, an
// oversized text file and a 50 MB+1 package (sparse), and returns base.
func fileTree(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(base, "scripts", "dir"), 0o755))
	must(os.WriteFile(filepath.Join(base, "scripts", "a.json"), []byte(`{"a":1}`), 0o644))
	must(os.WriteFile(filepath.Join(base, "b.json"), []byte(`{"b":2}`), 0o644))
	must(os.WriteFile(filepath.Join(base, "scripts", "f.zip"), []byte("PK\x03\x04zip"), 0o644))
	for name, size := range map[string]int64{"big.json": MaxTextFile + 1, "huge.zip": MaxBinaryFile + 1} {
		f, err := os.Create(filepath.Join(base, "scripts", name))
		must(err)
		must(f.Truncate(size))
		must(f.Close())
	}
	return base
}

func runRead(t *testing.T, sh *Shell, args string) (string, error) {
	t.Helper()
	res, err := sh.Run("aws test read " + args)
	return res.String(), err
}

// TestFileArgumentsOnALearnersMachine: file:// and fileb:// paths work as
// with the AWS CLI on one's own machine (relative to the script's folder,
// absolute, ../), and every problem is said plainly: a missing file ("file
// not found: PATH", no Python errno), a directory, a FIFO, a file over the
// size cap (1 MB for file://, 50 MB for fileb://).
// https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-parameters-file.html
func TestFileArgumentsOnALearnersMachine(t *testing.T) {
	base := fileTree(t)
	dir := filepath.Join(base, "scripts")
	sh := New(cloud.New(1), WithDir(dir), WithCommands(readCmd))
	abs := filepath.Join(base, "b.json")
	missing := filepath.Join(base, "nope", "x.json")
	cases := []struct {
		name, args, want string
		fails            bool
	}{
		{"relative to the script's folder", "--text file://a.json", `text="{\"a\":1}"`, false},
		{"../ works", "--text file://../b.json", `text="{\"b\":2}"`, false},
		{"absolute works", "--text file://" + abs, `text="{\"b\":2}"`, false},
		{"fileb reads bytes", "--zip fileb://f.zip", "zip=true/7", false},
		{"a missing package is simulated", "--zip fileb://hello.zip", "zip=false/0", false},
		{"missing absolute file", "--text file://" + missing, "file not found: " + missing, true},
		{"missing relative file", "--text file://nope.json", "file not found: " + filepath.Join(dir, "nope.json"), true},
		{"directory", "--text file://dir", "is a directory", true},
		{"directory as a package", "--zip fileb://dir", "is a directory", true},
		{"text over 1 MB", "--text file://big.json", "is too large: 1048577 bytes; the limit is 1 MB", true},
		{"package over 50 MB", "--zip fileb://huge.zip", "the limit is 50 MB", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runRead(t, sh, tc.args)
			if tc.fails {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err %v, want it to contain %q", err, tc.want)
				}
				if strings.Contains(err.Error(), "Errno") {
					t.Errorf("Python errno text in %q", err)
				}
				return
			}
			if err != nil || !strings.Contains(out, tc.want) {
				t.Fatalf("got %q, %v; want %q", out, err, tc.want)
			}
		})
	}
}

// TestFileArgumentsConfinedToTheSessionFolder: where cloudlab serves
// others (the class server), a session reads only the files in its own
// folder; a path outside it, by ../, an absolute path or a symbolic link,
// is refused with a clear message.
func TestFileArgumentsConfinedToTheSessionFolder(t *testing.T) {
	base := fileTree(t)
	dir := filepath.Join(base, "scripts")
	if err := os.Symlink(filepath.Join(base, "b.json"), filepath.Join(dir, "link.json")); err != nil {
		t.Skipf("symlink: %v", err)
	}
	sh := New(cloud.New(1), WithConfinedDir(dir), WithCommands(readCmd))
	cases := []struct {
		name, args, want string
		fails            bool
	}{
		{"inside", "--text file://a.json", `text="{\"a\":1}"`, false},
		{"inside, absolute", "--text file://" + filepath.Join(dir, "a.json"), `text="{\"a\":1}"`, false},
		{"package inside", "--zip fileb://f.zip", "zip=true/7", false},
		{"../ refused", "--text file://../b.json", "is outside the folder this session may read", true},
		{"absolute outside refused", "--text file://" + filepath.Join(base, "b.json"), "is outside the folder this session may read", true},
		{"/etc/passwd refused", "--text file:///etc/passwd", "is outside the folder", true},
		{"symlink out refused", "--text file://link.json", "is outside the folder", true},
		{"package outside refused", "--zip fileb://../b.json", "is outside the folder", true},
		{"missing", "--text file://nope.json", "file not found: nope.json", true},
		{"directory", "--text file://dir", "dir is a directory", true},
		{"too large", "--text file://big.json", "too large", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runRead(t, sh, tc.args)
			if tc.fails {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err %v, want it to contain %q", err, tc.want)
				}
				if strings.Contains(err.Error(), base) && !strings.Contains(tc.args, base) {
					t.Errorf("the message shows the server's folder: %q", err)
				}
				return
			}
			if err != nil || !strings.Contains(out, tc.want) {
				t.Fatalf("got %q, %v; want %q", out, err, tc.want)
			}
		})
	}
}

// TestNoFileSystemReadsOnlyInMemoryFiles: without a file reader only the
// files commands wrote can be read.
func TestNoFileSystemReadsOnlyInMemoryFiles(t *testing.T) {
	sh := New(cloud.New(1), WithCommands(readCmd), WithFiles(map[string][]byte{"mem.json": []byte(`{}`)}))
	if out, err := runRead(t, sh, "--text file://mem.json"); err != nil || !strings.Contains(out, `text="{}"`) {
		t.Fatalf("%q %v", out, err)
	}
	if _, err := runRead(t, sh, "--text file:///etc/passwd"); err == nil || !strings.Contains(err.Error(), "reads no files from disk") {
		t.Fatalf("%v", err)
	}
}
