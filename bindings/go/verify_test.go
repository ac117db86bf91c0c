package presigner

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// serverRequest builds the *http.Request a server would see for a raw request of the suite:
// method, request target as sent, Host, headers in order (folded lines joined).
func serverRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	head, _, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	target := rest[:strings.LastIndex(rest, " ")]
	r := &http.Request{Method: method, RequestURI: target, Header: http.Header{}, URL: &url.URL{Path: "/"}}
	var last string
	for _, line := range lines[1:] {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			vs := r.Header[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(line)
			continue
		}
		n, v, _ := strings.Cut(line, ":")
		if strings.EqualFold(n, "host") {
			r.Host = strings.TrimSpace(v)
			continue
		}
		last = http.CanonicalHeaderKey(n)
		r.Header[last] = append(r.Header[last], v)
	}
	return r
}

func TestVerifySuiteQueryCases(t *testing.T) {
	v := loadVectors(t)
	checked := 0
	for _, c := range v.SigningSuite {
		raw := c.Expected["query"].SignedRequest
		if raw == "" {
			t.Fatalf("%s: no signed request", c.Name)
		}
		body, _ := base64.StdEncoding.DecodeString(c.BodyBase64)
		st := &SigningSettings{NormalizePath: c.Settings.NormalizePath, DoubleEncode: c.Settings.DoubleEncode,
			OmitSessionToken: c.Settings.OmitSessionToken}
		if c.Settings.SignBody {
			h := sha256.Sum256(body)
			st.PayloadHash = hex.EncodeToString(h[:])
		}
		opts := VerifyOptions{Now: time.Unix(c.UnixTime+1, 0), Settings: st}
		right, err := NewKeyring()
		if err != nil {
			t.Fatal(err)
		}
		defer right.Close()
		right.Add(c.Credentials.AccessKeyID, c.Credentials.SecretAccessKey, "")
		wrong, _ := NewKeyring()
		defer wrong.Close()
		wrong.Add(c.Credentials.AccessKeyID, "not-the-secret", "")

		got, err := VerifyPresigned(serverRequest(t, raw), right, opts)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if got.AccessKeyID != "AKIDEXAMPLE" || got.Region != c.Region || got.Service != c.Service ||
			!got.SignedAt.Equal(time.Unix(c.UnixTime, 0)) || !strings.Contains(";"+strings.Join(got.SignedHeaders, ";")+";", ";host;") {
			t.Errorf("%s: %+v", c.Name, got)
		}
		if _, err := VerifyPresigned(serverRequest(t, raw), wrong, opts); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("%s: wrong secret gave %v", c.Name, err)
		}
		checked++
	}
	if checked != 38 {
		t.Fatalf("%d query cases checked, want 38", checked)
	}
}

// URLs made by aws-sdk-go-v2's PresignHTTP (its own parameter order) verify, and fail with a
// wrong secret.
func TestVerifyAWSPresignHTTP(t *testing.T) {
	s3 := docS3(t)
	keys, _ := NewKeyring(mustCreds(t, docAKID, docSecret, "", time.Time{}))
	defer keys.Close()
	wrong, _ := NewKeyring(mustCreds(t, docAKID, "not-the-secret", "", time.Time{}))
	defer wrong.Close()
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret}
	rng := rand.New(rand.NewSource(7))
	alphabet := []rune("abcXYZ019-_.~/ !*'()&$@=;:+,é漢")
	for i := 0; i < 300; i++ {
		key := randString(rng, alphabet, 1, 30)
		method := []string{"GET", "PUT", "HEAD", "DELETE"}[rng.Intn(4)]
		query := url.Values{}
		headers := http.Header{}
		if rng.Intn(2) == 0 {
			query.Set("partNumber", "3")
			query.Set("uploadId", randString(rng, alphabet, 1, 10))
		}
		if rng.Intn(2) == 0 {
			headers.Set("Content-Type", "image/png")
			headers.Set("X-Amz-Meta-Owner", randString(rng, []rune("ab c"), 1, 8))
		}
		ours, err := s3.Presign(method, "examplebucket", key, PresignOptions{Now: docNow, Query: query, Headers: headers})
		if err != nil {
			t.Fatal(err)
		}
		awsURL := awsPresign(t, signer, ours, query, headers, creds, "us-east-1", 3600, docNow)
		req, err := http.NewRequest(method, awsURL, nil)
		if err != nil {
			t.Fatalf("%s: %v", awsURL, err)
		}
		// the exact target the SDK's URL carries (a server sees it as RequestURI)
		req.RequestURI = awsURL[len("https://")+len(req.URL.Host):]
		for k, vs := range headers {
			req.Header[k] = vs
		}
		opts := VerifyOptions{Now: docNow.Add(time.Minute), Region: "us-east-1", Service: "s3"}
		if _, err := VerifyPresigned(req, keys, opts); err != nil {
			t.Fatalf("aws-sdk-go-v2 URL %s does not verify: %v", awsURL, err)
		}
		if _, err := VerifyPresigned(req, wrong, opts); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("wrong secret: %v", err)
		}
	}
}

func TestVerifySentinels(t *testing.T) {
	s3 := docS3(t)
	keys, _ := NewKeyring(mustCreds(t, docAKID, docSecret, "", time.Time{}))
	defer keys.Close()
	at := VerifyOptions{Now: docNow.Add(10 * time.Second)}
	u, err := s3.PresignGet("examplebucket", "dir/a b.txt", PresignOptions{Now: docNow})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := s3.PresignPut("examplebucket", "k", "image/png", PresignOptions{Now: docNow})
	if err != nil {
		t.Fatal(err)
	}
	tokenS3, _ := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: mustCreds(t, docAKID, docSecret, "T2", time.Time{})})
	defer tokenS3.Close()
	tokenURL, _ := tokenS3.PresignGet("examplebucket", "k", PresignOptions{Now: docNow})
	tokenKeys, _ := NewKeyring()
	defer tokenKeys.Close()
	tokenKeys.Add(docAKID, docSecret, "T1")
	empty, _ := NewKeyring()
	defer empty.Close()
	wrong, _ := NewKeyring()
	defer wrong.Close()
	wrong.Add(docAKID, "nope", "")

	get := func(raw string) *http.Request {
		r, err := http.NewRequest("GET", raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	verify := func(raw string, k Lookup, o VerifyOptions) error {
		_, err := VerifyPresigned(get(raw), k, o)
		return err
	}
	cases := []struct {
		want error
		err  error
	}{
		{ErrUnsupportedAlgorithm, verify(strings.Replace(u, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1), keys, at)},
		{ErrMalformedRequest, verify(strings.Replace(u, "X-Amz-Signature=", "X-Amz-Signaturf=", 1), keys, at)},
		{ErrInvalidCredentialScope, verify(strings.Replace(u, "aws4_request", "aws5_request", 1), keys, at)},
		{ErrScopeMismatch, verify(u, keys, VerifyOptions{Now: at.Now, Region: "eu-west-1"})},
		{ErrScopeMismatch, verify(u, keys, VerifyOptions{Now: at.Now, Service: "sts"})},
		{ErrDuplicateParameter, verify(u+"&X-Amz-Date=20130524T000000Z", keys, at)},
		{ErrMissingSignedHeader, func() error { _, err := VerifyPresigned(get(ct.URL), keys, at); return err }()},
		{ErrUnknownAccessKey, verify(u, empty, at)},
		{ErrInvalidSessionToken, verify(tokenURL, tokenKeys, at)},
		{ErrInvalidSessionToken, verify(u, tokenKeys, at)},
		{ErrRequestExpired, verify(u, keys, VerifyOptions{Now: docNow.Add(time.Hour)})},
		{ErrRequestExpired, verify(u, keys, VerifyOptions{})}, // the clock
		{ErrRequestNotYetValid, verify(u, keys, VerifyOptions{Now: docNow.Add(-901 * time.Second)})},
		{ErrRequestNotYetValid, verify(u, keys, VerifyOptions{Now: docNow.Add(-2 * time.Second), MaxSkew: time.Second})},
		{ErrSignatureMismatch, verify(u, wrong, at)},
		{ErrSignatureMismatch, verify(strings.Replace(u, "a%20b.txt", "a%20c.txt", 1), keys, at)},
		{ErrInvalidExpiry, verify(strings.Replace(u, "X-Amz-Expires=3600", "X-Amz-Expires=0", 1), keys, at)},
		{ErrInvalidOption, verify(u, keys, VerifyOptions{Now: at.Now, MaxSkew: -time.Second})},
		{ErrNullArgument, verify(u, nil, at)},
		{ErrNullArgument, verify(u, (*Keyring)(nil), at)},
	}
	for i, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("case %d: got %v, want %v", i, c.err, c.want)
			continue
		}
		var e *Error
		if !errors.As(c.err, &e) || e.Code != c.want.Error() || e.Message == "" {
			t.Errorf("case %d: %#v", i, c.err)
		}
		if c.want != ErrInvalidOption && c.want != ErrNullArgument && !IsVerificationFailure(c.err) {
			t.Errorf("case %d: %v is a verification failure", i, c.err)
		}
	}
	// the statuses are the C ABI's 18..28
	for st, want := range map[int]error{18: ErrUnsupportedAlgorithm, 24: ErrUnknownAccessKey, 28: ErrSignatureMismatch} {
		if !errors.Is(statusError(st), want) {
			t.Errorf("status %d", st)
		}
	}
	// with the signed header, and a Host the URL's authority is not
	r := get(ct.URL)
	r.Method = "PUT"
	r.Header.Set("Content-Type", "image/png")
	if v, err := VerifyPresigned(r, keys, at); err != nil || strings.Join(v.SignedHeaders, ";") != "content-type;host" {
		t.Fatalf("%v %+v", err, v)
	}
	r.Method = "GET"
	if _, err := VerifyPresigned(r, keys, at); !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("PUT URL used for GET: %v", err)
	}
	r = get(u)
	r.Host = "other.example.com"
	if _, err := VerifyPresigned(r, keys, at); !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("another Host: %v", err)
	}
	keys.Close()
	if _, err := VerifyPresigned(get(u), keys, at); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed keyring: %v", err)
	}
}

func TestVerifyLookupsAndHeaderAuth(t *testing.T) {
	creds := mustCreds(t, docAKID, docSecret, "", time.Time{})
	var calls int
	var mu sync.Mutex
	lookup := LookupFunc(func(id string) *Credentials {
		mu.Lock()
		calls++
		mu.Unlock()
		if id == docAKID {
			return creds
		}
		return nil
	})
	s3 := docS3(t)
	u, _ := s3.PresignGet("examplebucket", "k", PresignOptions{Now: docNow})
	r, _ := http.NewRequest("GET", u, nil)
	at := VerifyOptions{Now: docNow.Add(time.Second)}
	if v, err := VerifyPresigned(r, lookup, at); err != nil || v.AccessKeyID != docAKID || !v.ExpiresAt.Equal(docNow.Add(time.Hour)) {
		t.Fatalf("%v %+v", err, v)
	}
	r, _ = http.NewRequest("GET", strings.Replace(u, docAKID, "AKIDNOBODY", 1), nil)
	if _, err := VerifyPresigned(r, lookup, at); !errors.Is(err, ErrUnknownAccessKey) {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("%d calls", calls)
	}
	m, err := KeyringFromMap(map[string]*Credentials{docAKID: creds})
	if err != nil || m.Len() != 1 {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := KeyringFromMap(map[string]*Credentials{"OTHER": creds}); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatal(err)
	}

	// header auth: SignRequest, then VerifyRequest with the body's hash
	body := []byte("hello")
	req, _ := http.NewRequest("PUT", "https://examplebucket.s3.amazonaws.com/dir/a%20b.txt?x-id=PutObject", nil)
	req.Header.Set("Content-Type", "text/plain")
	if _, err := SignRequest(req, body, creds, SignOptions{Region: "us-east-1", Service: "s3", Now: docNow}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	for _, l := range []Lookup{m, lookup} {
		if v, err := VerifyRequest(req, hex.EncodeToString(sum[:]), l, at); err != nil || v.Service != "s3" {
			t.Fatalf("%v %+v", err, v)
		}
		if _, err := VerifyRequest(req, "", l, at); err != nil {
			t.Fatalf("x-amz-content-sha256: %v", err)
		}
		if _, err := VerifyRequest(req, emptySHA, l, at); !errors.Is(err, ErrSignatureMismatch) {
			t.Fatalf("another body: %v", err)
		}
		if _, err := VerifyRequest(req, "", l, VerifyOptions{Now: docNow.Add(16 * time.Minute)}); !errors.Is(err, ErrRequestExpired) {
			t.Fatalf("late: %v", err)
		}
	}
	// concurrent use of one keyring
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				r, _ := http.NewRequest("GET", u, nil)
				if _, err := VerifyPresigned(r, m, at); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestRequirePresignedMiddleware(t *testing.T) {
	creds := mustCreds(t, docAKID, docSecret, "", time.Time{})
	keys, _ := NewKeyring(creds)
	defer keys.Close()
	var seen *Verified
	h := RequirePresigned(keys, VerifyOptions{Region: "us-east-1", Service: "s3"},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen, _ = VerifiedFromContext(r.Context())
			io.WriteString(w, "served "+r.URL.Path)
		}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	s3, err := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: creds, EndpointURL: srv.URL, AddressingStyle: AddressingPath})
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	do := func(method, u string) (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), method, u, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	u, err := s3.PresignGet("uploads", "a b/ü+c.txt", PresignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := do("GET", u); code != 200 || body != "served /uploads/a b/ü+c.txt" {
		t.Fatalf("%d %q", code, body)
	}
	if seen == nil || seen.AccessKeyID != docAKID || seen.Region != "us-east-1" {
		t.Fatalf("context: %+v", seen)
	}
	for _, bad := range []struct{ method, url, code string }{
		{"PUT", u, "signature_mismatch"},
		{"GET", strings.Replace(u, "X-Amz-Expires=3600", "X-Amz-Expires=7200", 1), "signature_mismatch"},
		{"GET", srv.URL + "/uploads/k", "malformed_request"},
	} {
		if code, body := do(bad.method, bad.url); code != 403 || strings.TrimSpace(body) != bad.code {
			t.Errorf("%s %s: %d %q", bad.method, bad.url, code, body)
		}
	}
	past, _ := s3.PresignGet("uploads", "k", PresignOptions{Now: time.Now().Add(-2 * time.Hour)})
	if code, body := do("GET", past); code != 403 || strings.TrimSpace(body) != "request_expired" {
		t.Errorf("expired: %d %q", code, body)
	}
}
