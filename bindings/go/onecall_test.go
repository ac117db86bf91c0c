package presigner

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The one-call paths (packed options, URL into a buffer, serialized results) against the
// previous per-field C calls, which stay in the package as the reference.

func oneCallCases() []PresignOptions {
	long := strings.Repeat("v", 5000) // longer than the first buffer guess
	return []PresignOptions{
		{ExpiresIn: time.Hour, Now: docNow},
		{Now: docNow},
		{ExpiresIn: 15 * time.Minute, Now: docNow, Headers: http.Header{"Content-Type": {"image/jpeg"}, "X-Amz-Meta-Owner": {"alice"}}},
		{ExpiresIn: time.Hour, Now: docNow, Headers: http.Header{"x-amz-meta-lower": {"a", "b"}, "X-Amz-Meta-Sp": {"  x  y  "}}},
		{ExpiresIn: time.Hour, Now: docNow, Headers: http.Header{"X-Amz-Meta-Long": {long}}},
		{ExpiresIn: time.Hour, Now: docNow, Query: url.Values{"partNumber": {"2"}, "uploadId": {"a/b c"}}},
		{ExpiresIn: time.Hour, Now: docNow, VersionID: "v 1", Response: ResponseOverrides{
			ContentType: "text/plain", ContentDisposition: `attachment; filename="a b.txt"`, ContentLanguage: "fr",
			ContentEncoding: "gzip", CacheControl: "no-cache", Expires: "Wed, 21 Oct 2015 07:28:00 GMT"}},
		{ExpiresIn: 7 * 24 * time.Hour, Now: docNow, Headers: http.Header{"Content-Type": {"x"}}, Query: url.Values{"a": {long}}, VersionID: "v"},
	}
}

func oneCallPresigners(t *testing.T) map[string]*S3Presigner {
	t.Helper()
	out := map[string]*S3Presigner{}
	for name, token := range map[string]string{"plain": "", "token": "tok/+=" + strings.Repeat("T", 4500)} {
		s3, err := NewS3Presigner(S3Options{Region: "eu-west-1", Credentials: mustCreds(t, docAKID, docSecret, token, time.Time{})})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s3.Close() })
		out[name] = s3
	}
	return out
}

func TestOneCallPathsMatchPerFieldReads(t *testing.T) {
	keys := []string{"k", "photos/2024/holiday picture (1).jpg", "日本語/ファイル 名.png", strings.Repeat("é", 512)}
	for pname, s3 := range oneCallPresigners(t) {
		for ci, o := range oneCallCases() {
			for _, key := range keys {
				for _, method := range []string{"GET", "PUT", "delete"} {
					want, err := s3.presignPerField(method, "examplebucket", key, o)
					if err != nil {
						t.Fatalf("%s case %d: per-field: %v", pname, ci, err)
					}
					got, err := s3.Presign(method, "examplebucket", key, o)
					if err != nil {
						t.Fatalf("%s case %d: Presign: %v", pname, ci, err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s case %d %s %q: Presign differs from the per-field reads\n got: %#v\nwant: %#v", pname, ci, method, key, got, want)
					}
					viaHandle, err := s3.presignHandleRead(method, "examplebucket", key, o)
					if err != nil || !reflect.DeepEqual(viaHandle, want) {
						t.Fatalf("%s case %d: handle read differs: %v", pname, ci, err)
					}
					if method == "GET" {
						u, err := s3.PresignGet("examplebucket", key, o)
						if err != nil || u != want.URL {
							t.Fatalf("%s case %d %q: PresignGet %q, %v; want %q", pname, ci, key, u, err, want.URL)
						}
					}
				}
			}
		}
	}
}

func TestOneCallResultShape(t *testing.T) {
	s3 := docS3(t)
	r, err := s3.Presign("GET", "examplebucket", "k", PresignOptions{Now: docNow})
	if err != nil {
		t.Fatal(err)
	}
	if r.Headers == nil || len(r.Headers) != 0 || r.SignedHeaders == nil || !reflect.DeepEqual(r.SignedHeaders, []string{"host"}) {
		t.Fatalf("headers %#v, signed %#v", r.Headers, r.SignedHeaders)
	}
	// appending to the result's slices must not write into each other
	p, err := s3.Presign("PUT", "examplebucket", "k", PresignOptions{Now: docNow, Headers: http.Header{"Content-Type": {"a"}, "X-Amz-Meta-A": {"b"}}})
	if err != nil {
		t.Fatal(err)
	}
	signed := append([]string(nil), p.SignedHeaders...)
	p.Headers["Content-Type"] = append(p.Headers["Content-Type"], "extra")
	p.Headers.Add("X-Amz-Meta-A", "more")
	if !reflect.DeepEqual(p.SignedHeaders, signed) || p.Headers.Get("Content-Type") != "a" || len(p.Headers["X-Amz-Meta-A"]) != 2 {
		t.Fatalf("slices overlap: %#v %#v", p.Headers, p.SignedHeaders)
	}
}

func TestOneCallErrorsMapToTheSameSentinels(t *testing.T) {
	s3 := docS3(t)
	cases := []struct {
		name        string
		bucket, key string
		o           PresignOptions
		want        error
	}{
		{"expiry 0", "examplebucket", "k", PresignOptions{ExpiresIn: time.Second / 2, Now: docNow}, ErrInvalidExpiry},
		{"expiry 8 days", "examplebucket", "k", PresignOptions{ExpiresIn: 8 * 24 * time.Hour, Now: docNow}, ErrInvalidExpiry},
		{"empty key", "examplebucket", "", PresignOptions{Now: docNow}, ErrInvalidKey},
		{"bucket", "Bad_Bucket", "k", PresignOptions{Now: docNow}, ErrInvalidBucket},
		{"header name", "examplebucket", "k", PresignOptions{Now: docNow, Headers: http.Header{"Bad Name": {"x"}}}, ErrInvalidHeader},
		{"header utf8", "examplebucket", "k", PresignOptions{Now: docNow, Headers: http.Header{"X-A": {"\xff"}}}, ErrInvalidUTF8},
		{"query", "examplebucket", "k", PresignOptions{Now: docNow, Query: url.Values{"X-Amz-Signature": {"x"}}}, ErrInvalidQuery},
		{"override utf8", "examplebucket", "k", PresignOptions{Now: docNow, Response: ResponseOverrides{CacheControl: "\xfe"}}, ErrInvalidUTF8},
		{"key utf8", "examplebucket", "a\xff", PresignOptions{Now: docNow}, ErrInvalidUTF8},
		{"time", "examplebucket", "k", PresignOptions{Now: time.Unix(-5, 0)}, ErrInvalidTime},
	}
	for _, c := range cases {
		_, old := s3.presignPerField("GET", c.bucket, c.key, c.o)
		_, full := s3.Presign("GET", c.bucket, c.key, c.o)
		_, get := s3.PresignGet(c.bucket, c.key, c.o)
		for what, err := range map[string]error{"per-field": old, "Presign": full, "PresignGet": get} {
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Message == "" || e.Code != c.want.Error() {
				t.Errorf("%s: %s: %v, want %v", c.name, what, err, c.want)
			}
		}
		var a, b *Error
		if errors.As(old, &a) && errors.As(full, &b) && a.Status != b.Status {
			t.Errorf("%s: status %d vs %d", c.name, a.Status, b.Status)
		}
	}
	s3.Close()
	if _, err := s3.Presign("GET", "examplebucket", "k", PresignOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if _, err := s3.PresignGet("examplebucket", "k", PresignOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
}

// Pooled buffers shared by goroutines (run with -race): every result is its own.
func TestOneCallConcurrent(t *testing.T) {
	s3s := oneCallPresigners(t)
	cases := oneCallCases()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			s3 := s3s[[]string{"plain", "token"}[g%2]]
			for i := 0; i < 40; i++ {
				o := cases[(g+i)%len(cases)]
				key := strings.Repeat("k", 1+(g*37+i*11)%900)
				want, err := s3.presignPerField("PUT", "examplebucket", key, o)
				if err != nil {
					errs <- err
					return
				}
				got, err := s3.Presign("PUT", "examplebucket", key, o)
				if err != nil || !reflect.DeepEqual(got, want) {
					errs <- errors.New("Presign differs under concurrency")
					return
				}
				u, err := s3.PresignGet("examplebucket", key, o)
				if err != nil || !strings.Contains(u, key) {
					errs <- errors.New("PresignGet differs under concurrency")
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
