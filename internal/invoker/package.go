package invoker

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/invoker/ric"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

// Package limits as AWS has them
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
// 50 MB zipped for a direct upload, 250 MB unzipped.
const (
	MaxZipped   = 50 << 20
	MaxUnzipped = 262144000
	maxEntries  = 20_000
)

// unzippedLimit is MaxUnzipped (a variable so tests can lower it).
var unzippedLimit int64 = MaxUnzipped

// Package is a stored, unpacked deployment package.
type Package struct {
	Dir    string // unpacked, read-only by convention
	SHA256 string // base64, as CodeSha256
	Size   int64  // zipped size, as CodeSize
}

func invalidParam(format string, a ...any) *lambda.Error {
	return &lambda.Error{Code: "InvalidParameterValueException", Status: 400, Message: fmt.Sprintf(format, a...)}
}

// StorePackage checks and unpacks a zip file. Entries that would escape the
// package folder (.. or absolute paths), links, and packages over the size
// limits are refused with AWS's errors.
func (iv *Invoker) StorePackage(zipFile []byte) (Package, error) {
	if len(zipFile) > MaxZipped {
		return Package{}, &lambda.Error{Code: "RequestEntityTooLargeException", Status: 413,
			Message: fmt.Sprintf("Zipped size must be smaller than %d bytes", MaxZipped)}
	}
	sum := sha256.Sum256(zipFile)
	pkg := Package{SHA256: base64.StdEncoding.EncodeToString(sum[:]), Size: int64(len(zipFile)),
		Dir: filepath.Join(iv.dir, "pkg", hex.EncodeToString(sum[:]))}
	if _, err := os.Stat(pkg.Dir); err == nil {
		return pkg, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(zipFile), int64(len(zipFile)))
	if err != nil {
		return Package{}, invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	if len(zr.File) > maxEntries {
		return Package{}, invalidParam("Could not unzip uploaded file: more than %d entries.", maxEntries)
	}
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if err := checkEntry(f); err != nil {
			return Package{}, err
		}
	}
	if declared > uint64(unzippedLimit) {
		return Package{}, invalidParam("Unzipped size must be smaller than %d bytes", MaxUnzipped)
	}
	tmp, err := os.MkdirTemp(filepath.Join(iv.dir), "unzip-")
	if err != nil {
		return Package{}, err
	}
	defer os.RemoveAll(tmp)
	budget := unzippedLimit
	for _, f := range zr.File {
		if err := extract(tmp, f, &budget); err != nil {
			return Package{}, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(pkg.Dir), 0o700); err != nil {
		return Package{}, err
	}
	if err := os.Rename(tmp, pkg.Dir); err != nil && !os.IsExist(err) {
		if _, serr := os.Stat(pkg.Dir); serr != nil {
			return Package{}, err
		}
	}
	return pkg, nil
}

func checkEntry(f *zip.File) error {
	name := f.Name
	if strings.Contains(name, `\`) || strings.HasPrefix(name, "/") || filepath.IsAbs(name) ||
		!filepath.IsLocal(strings.TrimSuffix(name, "/")) && strings.TrimSuffix(name, "/") != "" {
		return invalidParam("Could not unzip uploaded file: the entry %q is outside the package.", sanitizeName(name))
	}
	if f.Mode()&os.ModeSymlink != 0 || f.Mode()&(os.ModeDevice|os.ModeNamedPipe|os.ModeSocket) != 0 {
		return invalidParam("Could not unzip uploaded file: the entry %q is a link or a special file, which this endpoint does not accept.", sanitizeName(name))
	}
	return nil
}

func sanitizeName(s string) string {
	if len(s) > 100 {
		s = s[:100]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

func extract(root string, f *zip.File, budget *int64) error {
	dst := filepath.Join(root, filepath.FromSlash(f.Name))
	if f.FileInfo().IsDir() || strings.HasSuffix(f.Name, "/") {
		return os.MkdirAll(dst, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	mode := f.Mode().Perm() | 0o400
	if mode&0o111 == 0 && f.Name == "bootstrap" {
		mode |= 0o755 // a bootstrap zipped without Unix modes
	}
	rc, err := f.Open()
	if err != nil {
		return invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode&^0o222|0o200)
	if err != nil {
		return invalidParam("Could not unzip uploaded file: duplicate entry %q.", sanitizeName(f.Name))
	}
	n, err := io.Copy(out, io.LimitReader(rc, *budget+1))
	cerr := out.Close()
	*budget -= n
	if *budget < 0 {
		return invalidParam("Unzipped size must be smaller than %d bytes", MaxUnzipped)
	}
	if err != nil {
		return invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	return cerr
}

// linkTree gives an environment its own copy of the package: hard links
// where the file system allows them, copies otherwise.
func linkTree(src, dst string) error {
	if src == "" {
		return os.MkdirAll(dst, 0o755)
	}
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if os.Link(p, to) == nil {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		st, _ := in.Stat()
		out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm())
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// writeRICs writes the embedded runtime interface clients.
func writeRICs(dir string) (string, error) {
	for _, name := range []string{"python/bootstrap.py", "node/bootstrap.js"} {
		b, err := ric.FS.ReadFile(name)
		if err != nil {
			return "", err
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// Runtimes this endpoint runs. Python and Node.js use the interpreter found
// on PATH (python3.12 or else python3; node), whatever its version.
func runtimeKind(rt string) string {
	switch {
	case rt == "provided" || rt == "provided.al2" || rt == "provided.al2023":
		return "provided"
	case strings.HasPrefix(rt, "python3."):
		return "python"
	case strings.HasPrefix(rt, "nodejs") && strings.HasSuffix(rt, ".x"):
		return "node"
	}
	return ""
}

// CheckRuntime tells whether a runtime can run here: a clear
// InvalidParameterValueException when it is unknown or its interpreter is
// missing.
func (iv *Invoker) CheckRuntime(rt string) error {
	switch runtimeKind(rt) {
	case "provided":
		return nil
	case "python", "node":
		_, err := iv.interpreter(rt)
		return err
	}
	return invalidParam("The runtime %q is not supported by the cloudlab endpoint: use provided.al2023, provided.al2, python3.x or nodejs*.x.", sanitizeName(rt))
}

// interpreter finds and caches the interpreter of a runtime (its real
// path: version-manager shims need variables the environment does not get).
func (iv *Invoker) interpreter(rt string) (string, error) {
	kind := runtimeKind(rt)
	iv.mu.Lock()
	p, ok := iv.interp[rt]
	iv.mu.Unlock()
	if ok {
		if p == "" {
			return "", missingInterpreter(rt, kind)
		}
		return p, nil
	}
	var names []string
	var probe []string
	switch kind {
	case "python":
		names = []string{rt, "python3"}
		probe = []string{"-c", "import sys; print(sys.executable)"}
	case "node":
		names = []string{"node", "nodejs"}
		probe = []string{"-p", "process.execPath"}
	}
	for _, n := range names {
		lp, err := exec.LookPath(n)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, lp, probe...).Output()
		cancel()
		if err != nil {
			continue
		}
		if real := strings.TrimSpace(string(out)); real != "" {
			p = real
			break
		}
	}
	iv.mu.Lock()
	iv.interp[rt] = p
	iv.mu.Unlock()
	if p == "" {
		return "", missingInterpreter(rt, kind)
	}
	return p, nil
}

func missingInterpreter(rt, kind string) error {
	prog := "python3"
	if kind == "node" {
		prog = "node"
	}
	return invalidParam("The runtime %s needs %s on the endpoint's PATH, and it was not found: install it or use provided.al2023.", rt, prog)
}

// command is how an environment starts its runtime.
func (iv *Invoker) command(rt, taskDir string) (argv, extra []string, err error) {
	switch runtimeKind(rt) {
	case "provided":
		return []string{filepath.Join(taskDir, "bootstrap")}, nil, nil
	case "python":
		p, err := iv.interpreter(rt)
		if err != nil {
			return nil, nil, err
		}
		return []string{p, "-u", filepath.Join(iv.ric, "python", "bootstrap.py")},
			[]string{"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1", "PYTHONPATH=" + taskDir}, nil
	case "node":
		p, err := iv.interpreter(rt)
		if err != nil {
			return nil, nil, err
		}
		return []string{p, filepath.Join(iv.ric, "node", "bootstrap.js")},
			[]string{"NODE_PATH=" + filepath.Join(taskDir, "node_modules")}, nil
	}
	return nil, nil, invalidParam("unsupported runtime %q", rt)
}
