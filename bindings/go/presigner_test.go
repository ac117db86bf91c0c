package presigner

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	docAKID   = "AKIAIOSFODNN7EXAMPLE"
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	emptySHA  = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

var docNow = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func mustCreds(t testing.TB, akid, secret, token string, exp time.Time) *Credentials {
	t.Helper()
	c, err := NewCredentials(akid, secret, token, exp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func docS3(t testing.TB) *S3Presigner {
	t.Helper()
	s3, err := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: mustCreds(t, docAKID, docSecret, "", time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s3.Close() })
	return s3
}

func TestDocumentationExample(t *testing.T) {
	s3 := docS3(t)
	u, err := s3.PresignGet("examplebucket", "test.txt", PresignOptions{ExpiresIn: 24 * time.Hour, Now: docNow})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(u, "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404") {
		t.Fatalf("url %s", u)
	}
	r, err := s3.Presign("GET", "examplebucket", "test.txt", PresignOptions{ExpiresIn: 24 * time.Hour, Now: docNow})
	if err != nil {
		t.Fatal(err)
	}
	if !r.SignedAt.Equal(docNow) || !r.ExpiresAt.Equal(docNow.Add(24*time.Hour)) || r.Method != "GET" ||
		len(r.SignedHeaders) != 1 || r.SignedHeaders[0] != "host" || len(r.Headers) != 0 {
		t.Fatalf("%+v", r)
	}
}

// ---- conformance vectors -----------------------------------------------------------------

type vectorFile struct {
	SigningSuite []suiteCase      `json:"signing_suite"`
	LegacySuite  []suiteCase      `json:"legacy_suite"`
	Documented   []documentedCase `json:"documented"`
}

type expected struct {
	CanonicalRequest string `json:"canonical_request"`
	StringToSign     string `json:"string_to_sign"`
	Signature        string `json:"signature"`
	URL              string `json:"url"`
	SignedRequest    string `json:"signed_request"`
}

type suiteCase struct {
	Name        string      `json:"name"`
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	Headers     [][2]string `json:"headers"`
	BodyBase64  string      `json:"body_base64"`
	Credentials struct {
		AccessKeyID     string  `json:"access_key_id"`
		SecretAccessKey string  `json:"secret_access_key"`
		SessionToken    *string `json:"session_token"`
	} `json:"credentials"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	UnixTime  int64  `json:"unix_time"`
	ExpiresIn *int64 `json:"expires_in"`
	Settings  struct {
		NormalizePath       bool `json:"normalize_path"`
		DoubleEncode        bool `json:"double_encode"`
		SignBody            bool `json:"sign_body"`
		ContentSHA256Header bool `json:"content_sha256_header"`
		OmitSessionToken    bool `json:"omit_session_token"`
	} `json:"settings"`
	Expected map[string]expected `json:"expected"`
}

type documentedCase struct {
	Name     string                     `json:"name"`
	Kind     string                     `json:"kind"`
	Inputs   map[string]json.RawMessage `json:"inputs"`
	Expected expected                   `json:"expected"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "tests", "vectors", "sigv4.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func check(t *testing.T, name string, gotCR, gotSTS, gotSig string, e expected) {
	t.Helper()
	if gotCR != e.CanonicalRequest {
		t.Errorf("%s: canonical request\n got %q\nwant %q", name, gotCR, e.CanonicalRequest)
	}
	if gotSTS != e.StringToSign {
		t.Errorf("%s: string to sign\n got %q\nwant %q", name, gotSTS, e.StringToSign)
	}
	if gotSig != e.Signature {
		t.Errorf("%s: signature got %s want %s", name, gotSig, e.Signature)
	}
}

func runSuiteCase(t *testing.T, c suiteCase, mode string) {
	token := ""
	if c.Credentials.SessionToken != nil {
		token = *c.Credentials.SessionToken
	}
	creds := mustCreds(t, c.Credentials.AccessKeyID, c.Credentials.SecretAccessKey, token, time.Time{})
	body, _ := base64.StdEncoding.DecodeString(c.BodyBase64)
	st := SigningSettings{
		NormalizePath: c.Settings.NormalizePath, DoubleEncode: c.Settings.DoubleEncode,
		ContentSHA256Header: c.Settings.ContentSHA256Header, OmitSessionToken: c.Settings.OmitSessionToken,
	}
	headers := http.Header{}
	for _, h := range c.Headers {
		headers[h[0]] = append(headers[h[0]], h[1])
	}
	now := time.Unix(c.UnixTime, 0)
	e := c.Expected[mode]
	name := c.Name + " [" + mode + "]"
	if mode == "query" {
		if c.Settings.SignBody {
			sum := sha256.Sum256(body)
			st.PayloadHash = hex.EncodeToString(sum[:])
		}
		r, err := PresignURL(c.Method, c.URL, creds, URLOptions{
			Region: c.Region, Service: c.Service, ExpiresIn: time.Duration(*c.ExpiresIn) * time.Second,
			Headers: headers, Now: now, Settings: &st,
		})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		check(t, name, r.CanonicalRequest, r.StringToSign, r.Signature, e)
		return
	}
	if !c.Settings.SignBody {
		st.PayloadHash = emptySHA
	}
	req, err := http.NewRequest(c.Method, c.URL, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// The suite's paths are raw (spaces, UTF-8): send and sign them byte for byte, which is
	// what URL.Opaque means to net/http.
	rest := strings.TrimPrefix(c.URL, "https://")
	path, rawQuery, _ := strings.Cut(rest[strings.Index(rest, "/"):], "?")
	req.URL.Opaque = "//" + req.URL.Host + path
	req.URL.RawQuery = rawQuery
	req.Header = headers
	r, err := SignRequest(req, body, creds, SignOptions{Region: c.Region, Service: c.Service, Now: now, Settings: &st})
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	check(t, name, r.CanonicalRequest, r.StringToSign, r.Signature, e)
	if req.Header.Get("Authorization") != r.Authorization || req.Header.Get("X-Amz-Date") == "" {
		t.Errorf("%s: request not signed in place: %v", name, req.Header)
	}
}

func str(m map[string]json.RawMessage, k string) string {
	var s string
	_ = json.Unmarshal(m[k], &s)
	return s
}

func TestVectors(t *testing.T) {
	v := loadVectors(t)
	n := 0
	for _, c := range v.SigningSuite {
		runSuiteCase(t, c, "query")
		runSuiteCase(t, c, "header")
		n += 2
	}
	for _, c := range v.LegacySuite {
		runSuiteCase(t, c, "header")
		n++
	}
	for _, c := range v.Documented {
		in := c.Inputs
		switch c.Kind {
		case "s3-presign":
			var exp int64
			_ = json.Unmarshal(in["expires"], &exp)
			now, _ := time.Parse(time.RFC3339, str(in, "now"))
			s3, err := NewS3Presigner(S3Options{Region: str(in, "region"), Credentials: mustCreds(t, str(in, "access_key"), str(in, "secret_key"), "", time.Time{})})
			if err != nil {
				t.Fatal(err)
			}
			r, err := s3.Presign(str(in, "method"), str(in, "bucket"), str(in, "key"), PresignOptions{ExpiresIn: time.Duration(exp) * time.Second, Now: now})
			s3.Close()
			if err != nil {
				t.Fatal(err)
			}
			check(t, c.Name, r.CanonicalRequest, r.StringToSign, r.Signature, c.Expected)
			if r.URL != c.Expected.URL {
				t.Errorf("%s: url %s", c.Name, r.URL)
			}
		case "sigv4-presign":
			var exp int64
			_ = json.Unmarshal(in["expires"], &exp)
			now, _ := time.Parse(time.RFC3339, str(in, "now"))
			var q [][2]string
			_ = json.Unmarshal(in["query"], &q)
			var hs map[string]string
			_ = json.Unmarshal(in["headers"], &hs)
			opts := URLOptions{Region: str(in, "region"), Service: str(in, "service"), ExpiresIn: time.Duration(exp) * time.Second,
				Now: now, Query: url.Values{}, Headers: http.Header{}}
			for _, p := range q {
				opts.Query.Add(p[0], p[1])
			}
			for k, x := range hs {
				opts.Headers.Set(k, x)
			}
			r, err := PresignURL(str(in, "method"), str(in, "endpoint")+str(in, "path"), mustCreds(t, str(in, "access_key"), str(in, "secret_key"), "", time.Time{}), opts)
			if err != nil {
				t.Fatal(err)
			}
			check(t, c.Name, r.CanonicalRequest, r.StringToSign, r.Signature, c.Expected)
			if r.URL != c.Expected.URL {
				t.Errorf("%s: url %s", c.Name, r.URL)
			}
		case "s3-header-auth", "sigv4-header-auth":
			var hs map[string]string
			_ = json.Unmarshal(in["headers"], &hs)
			u := "https://" + hs["host"] + str(in, "canonical_uri")
			if q := str(in, "canonical_query"); q != "" {
				u += "?" + q
			}
			req, _ := http.NewRequest(str(in, "method"), u, nil)
			for k, x := range hs {
				if k != "host" && k != "x-amz-date" && k != "x-amz-content-sha256" {
					req.Header.Set(k, x)
				}
			}
			now, _ := time.Parse("20060102T150405Z", str(in, "amz_date"))
			st := GenericSettings()
			if c.Kind == "s3-header-auth" {
				st = S3Settings()
			}
			st.PayloadHash = str(in, "payload_hash")
			r, err := SignRequest(req, nil, mustCreds(t, str(in, "access_key"), str(in, "secret_key"), "", time.Time{}),
				SignOptions{Region: str(in, "region"), Service: str(in, "service"), Now: now, Settings: &st})
			if err != nil {
				t.Fatal(err)
			}
			check(t, c.Name, r.CanonicalRequest, r.StringToSign, r.Signature, c.Expected)
		default:
			continue // signing-key and post-policy are not part of this API
		}
		n++
	}
	t.Logf("%d vector cases", n)
	if n < 110 {
		t.Fatalf("only %d vector cases ran", n)
	}
}

// ---- errors ------------------------------------------------------------------------------

func TestEverySentinel(t *testing.T) {
	s3 := docS3(t)
	creds := mustCreds(t, docAKID, docSecret, "", time.Time{})
	opt := PresignOptions{Now: docNow}
	presign := func(method, bucket, key string, o PresignOptions) error {
		_, err := s3.Presign(method, bucket, key, o)
		return err
	}
	dir := t.TempDir()
	credFile := filepath.Join(dir, "credentials")
	os.WriteFile(credFile, []byte("[default]\naws_access_key_id = AKIDP\naws_secret_access_key = s\n"), 0o600)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	shortCreds := mustCreds(t, docAKID, docSecret, "TOKEN", docNow.Add(10*time.Minute))
	shortS3, err := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: shortCreds})
	if err != nil {
		t.Fatal(err)
	}
	defer shortS3.Close()

	cases := []struct {
		want error
		run  func() error
	}{
		{ErrInvalidExpiry, func() error {
			return presign("GET", "examplebucket", "k", PresignOptions{ExpiresIn: 8 * 24 * time.Hour})
		}},
		{ErrInvalidBucket, func() error { return presign("GET", "Bad_Bucket", "k", opt) }},
		{ErrInvalidKey, func() error { return presign("GET", "examplebucket", "", opt) }},
		{ErrInvalidRegion, func() error { _, err := NewS3Presigner(S3Options{Region: "us east", Credentials: creds}); return err }},
		{ErrInvalidEndpoint, func() error {
			_, err := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: creds, EndpointURL: "ftp://x"})
			return err
		}},
		{ErrInvalidHeader, func() error {
			return presign("GET", "examplebucket", "k", PresignOptions{Now: docNow, Headers: http.Header{"Bad Name": {"v"}}})
		}},
		{ErrInvalidQuery, func() error {
			return presign("GET", "examplebucket", "k", PresignOptions{Now: docNow, Query: url.Values{"X-Amz-Signature": {"x"}}})
		}},
		{ErrInvalidURL, func() error {
			_, err := PresignURL("GET", "not a url", creds, URLOptions{Region: "us-east-1", Service: "sts"})
			return err
		}},
		{ErrInvalidMethod, func() error { return presign("GE T", "examplebucket", "k", opt) }},
		{ErrInvalidService, func() error {
			_, err := PresignURL("GET", "https://sts.amazonaws.com/", creds, URLOptions{Region: "us-east-1", Service: "bad service"})
			return err
		}},
		{ErrInvalidTime, func() error { return presign("GET", "examplebucket", "k", PresignOptions{Now: time.Unix(-5, 0)}) }},
		{ErrInvalidOption, func() error {
			_, err := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: creds, AddressingStyle: "sideways"})
			return err
		}},
		{ErrInvalidCredentials, func() error { _, err := NewCredentials("", "s", "", time.Time{}); return err }},
		{ErrMissingCredentials, func() error { _, err := CredentialsFromEnv(); return err }},
		{ErrProfile, func() error { _, err := CredentialsFromProfile("nosuchprofile"); return err }},
		{ErrCredentialsExpired, func() error {
			_, err := shortS3.Presign("GET", "examplebucket", "k", PresignOptions{Now: docNow.Add(time.Hour)})
			return err
		}},
		{ErrCredentialsExpireBeforeURL, func() error {
			_, err := shortS3.Presign("GET", "examplebucket", "k", PresignOptions{Now: docNow, ExpiresIn: time.Hour})
			return err
		}},
		{ErrNullArgument, func() error { _, err := NewS3Presigner(S3Options{Region: "us-east-1"}); return err }},
		{ErrInvalidUTF8, func() error { return presign("GET", "examplebucket", "caf\xc3", opt) }},
		{ErrPanic, debugPanic},
		{ErrClosed, func() error {
			s, _ := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: creds})
			s.Close()
			_, err := s.PresignGet("examplebucket", "k", opt)
			return err
		}},
	}
	for _, c := range cases {
		err := c.run()
		if !errors.Is(err, c.want) {
			t.Errorf("want %v, got %v", c.want, err)
			continue
		}
		var pe *Error
		if errors.As(err, &pe) {
			if pe.Code != c.want.Error() || pe.Message == "" || !strings.Contains(err.Error(), pe.Message) {
				t.Errorf("%v: code %q message %q", c.want, pe.Code, pe.Message)
			}
		}
	}
	// BUFFER_TOO_SMALL and INDEX_OUT_OF_RANGE are C-level statuses the Go API never returns
	// (it sizes buffers and loops over counts); their sentinels still map.
	for st, want := range map[int]error{103: ErrBufferTooSmall, 104: ErrIndexOutOfRange} {
		if err := statusError(st); !errors.Is(err, want) {
			t.Errorf("status %d: %v", st, err)
		}
	}
	// the other credential sources
	c, err := CredentialsFromProfile("")
	if err != nil || c.AccessKeyID() != "AKIDP" {
		t.Fatalf("profile: %v", err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	c, err = DefaultCredentials()
	if err != nil || c.AccessKeyID() != "AKIDENV" {
		t.Fatalf("default chain: %v", err)
	}
}

// ---- features ----------------------------------------------------------------------------

func TestOptionsAndPresignMany(t *testing.T) {
	creds := mustCreds(t, docAKID, docSecret, "", time.Time{})
	s3, err := NewS3Presigner(S3Options{Region: "eu-west-1", Credentials: creds, EndpointURL: "http://127.0.0.1:9000", AddressingStyle: AddressingPath})
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	r, err := s3.PresignPut("my-bucket", "a b+c.txt", "text/plain", PresignOptions{
		Now: docNow, ExpiresIn: 15 * time.Minute, Headers: http.Header{"X-Amz-Meta-A": {"b"}},
		Query: url.Values{"partNumber": {"2"}}, VersionID: "v1", Response: ResponseOverrides{CacheControl: "no-cache"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.URL, "http://127.0.0.1:9000/my-bucket/a%20b%2Bc.txt?") || r.Headers.Get("Content-Type") != "text/plain" ||
		!strings.Contains(r.URL, "X-Amz-Expires=900") || !strings.Contains(r.URL, "versionId=v1") ||
		!strings.Contains(r.URL, "response-cache-control=no-cache") || !strings.Contains(r.URL, "partNumber=2") ||
		strings.Join(r.SignedHeaders, ";") != "content-type;host;x-amz-meta-a" || r.Method != "PUT" {
		t.Fatalf("%+v", r)
	}
	urls, err := s3.PresignMany("GET", "my-bucket", []string{"a", "b", "c/d"}, PresignOptions{Now: docNow})
	if err != nil || len(urls) != 3 || !strings.Contains(urls[2], "/my-bucket/c/d?") {
		t.Fatalf("%v %v", urls, err)
	}
	if _, err := s3.PresignMany("GET", "my-bucket", []string{"a", ""}, PresignOptions{Now: docNow}); !errors.Is(err, ErrInvalidKey) {
		t.Fatal(err)
	}
	// clamp policy
	short := mustCreds(t, docAKID, docSecret, "T", docNow.Add(10*time.Minute))
	cl, err := NewS3Presigner(S3Options{Region: "us-west-2", Credentials: short, ExpiryPolicy: ExpiryClamp, Dualstack: true, AddressingStyle: AddressingVirtual})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	r, err = cl.Presign("GET", "bkt", "k", PresignOptions{Now: docNow})
	if err != nil || !r.ExpiresAt.Equal(docNow.Add(10*time.Minute)) || !strings.Contains(r.URL, "bkt.s3.dualstack.us-west-2.amazonaws.com") {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestSignRequestInPlace(t *testing.T) {
	creds := mustCreds(t, docAKID, docSecret, "TOKEN", time.Time{})
	req, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	req.Header.Set("Range", "bytes=0-9")
	r, err := SignRequest(req, nil, creds, SignOptions{Region: "us-east-1", Service: "s3", Now: docNow})
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Authorization") != r.Authorization || req.Header.Get("X-Amz-Security-Token") != "TOKEN" ||
		req.Header.Get("X-Amz-Content-Sha256") != emptySHA || req.Header.Get("X-Amz-Date") != "20130524T000000Z" {
		t.Fatalf("%v", req.Header)
	}
}

func TestConcurrent16Goroutines(t *testing.T) {
	s3 := docS3(t)
	keys := make([]string, 64)
	want := make([]string, len(keys))
	for i := range keys {
		keys[i] = "dir/key-" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		u, err := s3.PresignGet("examplebucket", keys[i], PresignOptions{Now: docNow})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = u
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := (g*31 + n) % len(keys)
				u, err := s3.PresignGet("examplebucket", keys[i], PresignOptions{Now: docNow})
				if err != nil || u != want[i] {
					errs <- "mismatch"
					return
				}
				if _, err := s3.PresignGet("examplebucket", "", PresignOptions{Now: docNow}); !errors.Is(err, ErrInvalidKey) ||
					!strings.Contains(err.Error(), "key") {
					errs <- "error message crossed goroutines: " + err.Error()
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
