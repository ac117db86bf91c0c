//go:build e2e

// End-to-end tests against a real SigV4-verifying S3 server (s3s-fs), started by
// tests/e2e/run.sh, which exports PRESIGNER_E2E_*; run with `go test -tags e2e -run TestE2E`.
package presigner

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

type e2eEnv struct {
	endpoint, port, akid, secret, region, bucket string
}

func loadE2E(t *testing.T) e2eEnv {
	e := e2eEnv{os.Getenv("PRESIGNER_E2E_ENDPOINT"), os.Getenv("PRESIGNER_E2E_PORT"),
		os.Getenv("PRESIGNER_E2E_ACCESS_KEY"), os.Getenv("PRESIGNER_E2E_SECRET_KEY"),
		os.Getenv("PRESIGNER_E2E_REGION"), os.Getenv("PRESIGNER_E2E_BUCKET")}
	if e.endpoint == "" {
		t.Skip("PRESIGNER_E2E_ENDPOINT not set: run tests/e2e/run.sh go")
	}
	return e
}

// loopbackClient sends every request to 127.0.0.1:port whatever the URL's host (like curl
// --connect-to), so that virtual-hosted URLs reach the local server with their Host header.
func loopbackClient(port string) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, "127.0.0.1:"+port)
		},
	}}
}

func TestE2E(t *testing.T) {
	env := loadE2E(t)
	client := loopbackClient(env.port)
	creds := mustCreds(t, env.akid, env.secret, "", time.Time{})
	newS3 := func(c *Credentials, endpoint string, style AddressingStyle) *S3Presigner {
		s3, err := NewS3Presigner(S3Options{Region: env.region, Credentials: c, EndpointURL: endpoint, AddressingStyle: style})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s3.Close() })
		return s3
	}
	s3 := newS3(creds, env.endpoint, "")
	passed, failed := 0, 0
	check := func(name string, want, got any) {
		if fmt.Sprint(want) == fmt.Sprint(got) {
			passed++
			t.Logf("ok   %s", name)
		} else {
			failed++
			t.Errorf("FAIL %s: expected %v, got %v", name, want, got)
		}
	}
	send := func(method, u string, body []byte, h http.Header) (int, []byte, http.Header) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, u, rd)
		if err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
		for k, vs := range h {
			req.Header[k] = vs
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	ok2xx := func(code int) any {
		if code >= 200 && code < 300 {
			return "2xx"
		}
		return code
	}
	presign := func(p *S3Presigner, method, key string, o PresignOptions) string {
		r, err := p.Presign(method, env.bucket, key, o)
		if err != nil {
			t.Fatal(err)
		}
		return r.URL
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}

	key := "e2e go/sp ace+plus=eq&amp~tilde!bang(paren)/ünï©ode/x.bin"
	payload := random(4096)

	// 1. PUT, GET, HEAD (DELETE at the end)
	code, _, _ := send("PUT", presign(s3, "PUT", key, PresignOptions{}), payload, nil)
	check("put with special characters", "2xx", ok2xx(code))
	get, err := s3.PresignGet(env.bucket, key, PresignOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := send("GET", get, nil, nil)
	check("get returns 2xx", "2xx", ok2xx(code))
	check("get returns the same bytes", true, bytes.Equal(body, payload))
	code, _, _ = send("HEAD", presign(s3, "HEAD", key, PresignOptions{}), nil, nil)
	check("head", "2xx", ok2xx(code))

	// 2. signed Content-Type and metadata
	put, err := s3.PresignPut(env.bucket, "photo.png", "image/png",
		PresignOptions{Headers: http.Header{"X-Amz-Meta-Owner": {"alice"}}})
	if err != nil {
		t.Fatal(err)
	}
	code, _, _ = send("PUT", put.URL, payload, http.Header{"Content-Type": {"image/jpeg"}, "X-Amz-Meta-Owner": {"alice"}})
	check("put with another content type", 403, code)
	code, _, _ = send("PUT", put.URL, payload, put.Headers)
	check("put with the signed content type", "2xx", ok2xx(code))
	_, _, hs := send("HEAD", presign(s3, "HEAD", "photo.png", PresignOptions{}), nil, nil)
	check("metadata round-trips", "alice", hs.Get("X-Amz-Meta-Owner"))

	// 3. forgeries
	last := get[len(get)-1:]
	repl := "0"
	if last == "0" {
		repl = "1"
	}
	code, _, _ = send("GET", get[:len(get)-1]+repl, nil, nil)
	check("tampered signature", 403, code)
	code, _, _ = send("GET", strings.Replace(get, "x.bin", "y.bin", 1), nil, nil)
	check("changed path", 403, code)
	code, _, _ = send("GET", strings.Replace(get, "X-Amz-Expires=3600", "X-Amz-Expires=7200", 1), nil, nil)
	check("changed X-Amz-Expires", 403, code)
	code, _, _ = send("PUT", get, payload, nil)
	check("GET URL used for PUT", 403, code)
	wrong := newS3(mustCreds(t, env.akid, "not-the-secret", "", time.Time{}), env.endpoint, "")
	code, _, _ = send("GET", presign(wrong, "GET", key, PresignOptions{}), nil, nil)
	check("wrong secret", 403, code)
	code, _, _ = send("GET", presign(s3, "GET", key, PresignOptions{Now: time.Now().Add(-2 * time.Hour), ExpiresIn: time.Minute}), nil, nil)
	check("expired URL", 403, code)
	code, _, _ = send("GET", presign(s3, "GET", key, PresignOptions{Now: time.Now().Add(2 * time.Hour)}), nil, nil)
	check("URL dated 2 h in the future", 403, code)

	// 4. virtual-hosted style (Host header, connected to 127.0.0.1) and path style
	virtual := newS3(creds, "http://localhost:"+env.port, AddressingVirtual)
	vu := presign(virtual, "GET", key, PresignOptions{})
	check("virtual-hosted URL names the bucket in the host", true,
		strings.HasPrefix(vu, "http://"+env.bucket+".localhost:"+env.port+"/"))
	code, body, _ = send("GET", vu, nil, nil)
	check("virtual-hosted GET", "2xx", ok2xx(code))
	path := newS3(creds, env.endpoint, AddressingPath)
	pu := presign(path, "GET", key, PresignOptions{})
	check("path-style URL names the bucket in the path", true, strings.HasPrefix(pu, env.endpoint+"/"+env.bucket+"/"))
	code, body, _ = send("GET", pu, nil, nil)
	check("path-style GET", "2xx", ok2xx(code))

	// 5. multipart upload through presigned URLs
	mkey := "e2e go/multi part.bin"
	part1, part2 := random(5*1024*1024), random(1000)
	code, body, _ = send("POST", presign(s3, "POST", mkey, PresignOptions{Query: url.Values{"uploads": {""}}}), nil, nil)
	check("create multipart upload", "2xx", ok2xx(code))
	m := regexp.MustCompile(`<UploadId>([^<]+)</UploadId>`).FindSubmatch(body)
	uploadID := ""
	if m != nil {
		uploadID = string(m[1])
	}
	var etags []string
	for n, part := range [][]byte{part1, part2} {
		q := url.Values{"partNumber": {fmt.Sprint(n + 1)}, "uploadId": {uploadID}}
		code, _, h := send("PUT", presign(s3, "PUT", mkey, PresignOptions{Query: q}), part, nil)
		check(fmt.Sprintf("upload part %d", n+1), "2xx", ok2xx(code))
		etags = append(etags, h.Get("ETag"))
	}
	var xml strings.Builder
	xml.WriteString("<CompleteMultipartUpload>")
	for n, e := range etags {
		fmt.Fprintf(&xml, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", n+1, e)
	}
	xml.WriteString("</CompleteMultipartUpload>")
	code, _, _ = send("POST", presign(s3, "POST", mkey, PresignOptions{Query: url.Values{"uploadId": {uploadID}}}), []byte(xml.String()), nil)
	check("complete multipart upload", "2xx", ok2xx(code))
	_, body, _ = send("GET", presign(s3, "GET", mkey, PresignOptions{}), nil, nil)
	check("multipart object is the concatenation", true, bytes.Equal(body, append(append([]byte{}, part1...), part2...)))

	// 6. verification against real traffic: RequirePresigned in front of the server (a reverse
	// proxy keeping the Host), so both the gateway and s3s-fs check every URL
	keys, err := NewKeyring(creds)
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	target, _ := url.Parse(env.endpoint)
	gw := httptest.NewServer(RequirePresigned(keys, VerifyOptions{Region: env.region, Service: "s3"},
		httputil.NewSingleHostReverseProxy(target)))
	defer gw.Close()
	gwClient := loopbackClient(strings.TrimPrefix(gw.URL, "http://127.0.0.1:"))
	gwGet := func(u string) (int, []byte) {
		resp, err := gwClient.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body = gwGet(get)
	check("gateway verifies and the server serves", "2xx same", fmt.Sprint(ok2xx(code), " ", map[bool]string{true: "same", false: "different"}[bytes.Equal(body, payload)]))
	code, body = gwGet(get[:len(get)-1] + repl)
	check("gateway refuses a tampered URL itself", "403 signature_mismatch", fmt.Sprint(code, " ", strings.TrimSpace(string(body))))

	code, _, _ = send("DELETE", presign(s3, "DELETE", key, PresignOptions{}), nil, nil)
	check("delete", "2xx", ok2xx(code))
	code, _, _ = send("GET", presign(s3, "GET", key, PresignOptions{}), nil, nil)
	check("deleted object is gone", 404, code)

	fmt.Printf("go e2e: %d passed, %d failed\n", passed, failed)
}
