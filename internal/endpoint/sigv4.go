package endpoint

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// verifySigV4 checks a request's Signature Version 4 (Authorization
// header form; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
// A missing or wrong signature is 403 InvalidSignatureException; an
// unknown access key is 403 UnrecognizedClientException.
func verifySigV4(r *http.Request, body []byte, accessKey, secret string, now time.Time) *apiError {
	bad := func(msg string) *apiError {
		return &apiError{Status: 403, Code: "InvalidSignatureException", Message: msg}
	}
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return bad("Missing or unsupported authentication: requests to this endpoint must be signed with AWS Signature Version 4.")
	}
	var cred, signed, sig string
	for _, part := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || signed == "" || sig == "" {
		return bad("Authorization header is malformed.")
	}
	if scope[0] != accessKey {
		return &apiError{Status: 403, Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		return bad("Missing or malformed X-Amz-Date.")
	}
	if d := now.Sub(t); d > 15*time.Minute || d < -15*time.Minute {
		return bad(fmt.Sprintf("Signature expired: %s is now earlier than %s or later than %s.", amzDate,
			now.Add(-15*time.Minute).UTC().Format("20060102T150405Z"), now.Add(15*time.Minute).UTC().Format("20060102T150405Z")))
	}
	if scope[1] != amzDate[:8] {
		return bad("Credential should be scoped to a valid date.")
	}
	names := strings.Split(signed, ";")
	if !contains(names, "host") {
		return bad("'Host' must be a signed header.")
	}
	var ch strings.Builder
	for _, n := range names {
		var vals []string
		if n == "host" {
			vals = []string{r.Host}
		} else {
			vals = r.Header.Values(http.CanonicalHeaderKey(n))
		}
		if n == "content-length" && len(vals) == 0 {
			vals = []string{fmt.Sprint(len(body))}
		}
		for i := range vals {
			vals[i] = strings.Join(strings.Fields(vals[i]), " ")
		}
		ch.WriteString(n + ":" + strings.Join(vals, ",") + "\n")
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" || payload != "UNSIGNED-PAYLOAD" {
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		if payload != "" && payload != h {
			return bad("The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		payload = h
	}
	canon := strings.Join([]string{r.Method, canonicalURI(r), canonicalQuery(r.URL.Query()), ch.String(), signed, payload}, "\n")
	sum := sha256.Sum256([]byte(canon))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(scope[1:], "/") + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA([]byte("AWS4"+secret), scope[1])
	for _, p := range scope[2:] {
		key = hmacSHA(key, p)
	}
	want := hex.EncodeToString(hmacSHA(key, toSign))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return bad("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func hmacSHA(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// canonicalURI is the path as sent, URI-encoded once more (every service
// but S3 signs the doubly-encoded path).
func canonicalURI(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			parts = append(parts, uriEncode(k)+"="+uriEncode(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// newRequestID is a random UUID for X-Amzn-RequestId.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
