package invoker

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/invoker/testhandler"
	"github.com/cloudlab/cloudlab/internal/lambda"
)

func rawZip(t *testing.T, add func(zw *zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestStorePackageRefusesBadZips(t *testing.T) {
	iv := newTestInvoker(t, Options{})
	cases := []struct {
		name string
		zip  []byte
		code string
		msg  string
	}{
		{"not a zip", []byte("hello"), "InvalidParameterValueException", "Could not unzip"},
		{"dot dot", must(testhandler.Zip(map[string][]byte{"../../evil": []byte("x")}, nil)), "InvalidParameterValueException", "outside the package"},
		{"nested dot dot", must(testhandler.Zip(map[string][]byte{"a/../../evil": []byte("x")}, nil)), "InvalidParameterValueException", "outside the package"},
		{"absolute", must(testhandler.Zip(map[string][]byte{"/etc/evil": []byte("x")}, nil)), "InvalidParameterValueException", "outside the package"},
		{"backslash", must(testhandler.Zip(map[string][]byte{`..\evil`: []byte("x")}, nil)), "InvalidParameterValueException", "outside the package"},
		{"symlink", must(testhandler.Zip(map[string][]byte{"link": []byte("/etc/passwd")}, map[string]os.FileMode{"link": os.ModeSymlink | 0o777})), "InvalidParameterValueException", "link"},
		{"declared over 250 MB", rawZip(t, func(zw *zip.Writer) {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: "big", Method: zip.Store, UncompressedSize64: 300 << 20, CompressedSize64: 1, CRC32: 0})
			w.Write([]byte("x"))
		}), "InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes"},
		{"over 50 MB zipped", make([]byte, MaxZipped+1), "RequestEntityTooLargeException", "Zipped size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := iv.StorePackage(c.zip)
			var le *lambda.Error
			if !errors.As(err, &le) || le.Code != c.code || !strings.Contains(le.Message, c.msg) {
				t.Fatalf("got %v, want %s containing %q", err, c.code, c.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(iv.Dir(), "..", "evil")); err == nil {
		t.Fatal("a zip entry escaped the package folder")
	}
	// Over the unzipped limit (lowered so the test stays small).
	defer func(l int64) { unzippedLimit = l }(unzippedLimit)
	unzippedLimit = 1 << 20
	var data bytes.Buffer
	fw := zip.NewWriter(&data)
	w, _ := fw.CreateHeader(&zip.FileHeader{Name: "bomb", Method: zip.Deflate})
	w.Write(make([]byte, 2<<20))
	fw.Close()
	if _, err := iv.StorePackage(data.Bytes()); err == nil || !strings.Contains(err.Error(), "Unzipped size") {
		t.Fatalf("a package over the unzipped limit: %v", err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
