package presigner

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// awsPresign presigns with aws-sdk-go-v2's PresignHTTP the request our result describes:
// same host and wire path, same caller query, same headers, UNSIGNED-PAYLOAD.
func awsPresign(t testing.TB, signer *v4.Signer, r *PresignedRequest, query url.Values, headers http.Header,
	creds aws.Credentials, region string, expires int64, now time.Time) string {
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(r.Method, "https://placeholder/", nil)
	req.URL.Scheme = u.Scheme
	req.URL.Host = u.Host
	req.Host = u.Host
	req.URL.Opaque = "//" + u.Host + u.EscapedPath()
	if i := strings.Index(r.URL, "?"); i >= 0 {
		// the exact wire path, as our URL carries it
		req.URL.Opaque = "//" + u.Host + r.URL[len(u.Scheme)+3+len(u.Host):i]
	}
	q := url.Values{}
	for k, vs := range query {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("X-Amz-Expires", strconv.FormatInt(expires, 10))
	req.URL.RawQuery = q.Encode()
	for k, vs := range headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	signed, _, err := signer.PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", region, now)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func sigOf(u string) string {
	i := strings.LastIndex(u, "X-Amz-Signature=")
	if i < 0 {
		return ""
	}
	return u[i+len("X-Amz-Signature="):]
}

const keyAlphabet = "abcXYZ019-_.~/ !*'()&$@=;:+,?%#[]{}^`|\"<>\\é漢😀"

func randString(rng *rand.Rand, alphabet []rune, min, max int) string {
	n := min + rng.Intn(max-min+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(alphabet[rng.Intn(len(alphabet))])
	}
	return b.String()
}

func TestDifferentialPresignHTTP(t *testing.T) {
	const cases = 2000
	rng := rand.New(rand.NewSource(20240601))
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = true // S3: the path is signed as sent
		o.DisableHeaderHoisting = true  // sign headers as headers, like presigner
	})
	regions := []string{"us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "cn-north-1", "auto"}
	methods := []string{"GET", "PUT", "HEAD", "DELETE", "POST"}
	keyRunes := []rune(keyAlphabet)
	valRunes := []rune("abc XYZ 019-_.~/!*'()&$=;:+,?%#é漢 ")
	bucketRunes := []rune("abcdefghijklmnopqrstuvwxyz0123456789")
	headerNames := []string{"Content-Type", "Content-Md5", "X-Amz-Meta-Owner", "X-Amz-Acl", "Cache-Control", "X-Amz-Server-Side-Encryption"}
	queryNames := []string{"partNumber", "uploadId", "x-id", "response-content-type", "tagging", "a b", "ü"}
	mismatches := 0
	for i := 0; i < cases; i++ {
		region := regions[rng.Intn(len(regions))]
		akid := "AKID" + strings.ToUpper(randString(rng, bucketRunes, 8, 16))
		secret := randString(rng, []rune("abcdefABCDEF0123456789/+"), 20, 40)
		token := ""
		if rng.Intn(3) == 0 {
			token = randString(rng, []rune("abcdefABCDEF0123456789/+="), 20, 200)
		}
		creds := mustCreds(t, akid, secret, token, time.Time{})
		style := AddressingVirtual
		if rng.Intn(3) == 0 {
			style = AddressingPath
		}
		s3, err := NewS3Presigner(S3Options{Region: region, Credentials: creds, AddressingStyle: style})
		if err != nil {
			t.Fatal(err)
		}
		bucket := randString(rng, bucketRunes, 3, 20)
		key := randString(rng, keyRunes, 1, 40)
		method := methods[rng.Intn(len(methods))]
		expires := int64(1 + rng.Intn(604800))
		now := time.Unix(946684800+rng.Int63n(1_000_000_000), 0).UTC()
		headers := http.Header{}
		for _, n := range headerNames {
			if rng.Intn(4) == 0 {
				headers.Set(n, strings.TrimSpace(randString(rng, valRunes, 1, 20))+"x")
			}
		}
		query := url.Values{}
		for _, n := range queryNames {
			if rng.Intn(4) == 0 {
				query.Set(n, randString(rng, valRunes, 0, 12))
			}
		}
		r, err := s3.Presign(method, bucket, key, PresignOptions{
			ExpiresIn: time.Duration(expires) * time.Second, Now: now, Headers: headers, Query: query,
		})
		s3.Close()
		if err != nil {
			t.Fatalf("case %d: %v (bucket %q key %q)", i, err, bucket, key)
		}
		want := awsPresign(t, signer, r, query, headers,
			aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}, region, expires, now)
		if sigOf(want) != r.Signature {
			mismatches++
			if mismatches <= 5 {
				t.Errorf("case %d: signature differs\n ours: %s\n  aws: %s\n canonical: %q", i, r.URL, want, r.CanonicalRequest)
			}
		}
	}
	t.Logf("%d random cases, %d signature mismatches vs aws-sdk-go-v2 PresignHTTP", cases, mismatches)
	if mismatches > 0 {
		t.Fatalf("%d/%d mismatches", mismatches, cases)
	}
}

// ---- benchmarks: presigner vs aws-sdk-go-v2 PresignHTTP, one presigned GET URL per op -----

func BenchmarkPresignGet(b *testing.B) {
	s3 := docS3(b)
	opts := PresignOptions{ExpiresIn: time.Hour, Now: docNow}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s3.PresignGet("examplebucket", "photos/2024/cat.jpg", opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresignFull(b *testing.B) {
	s3 := docS3(b)
	opts := PresignOptions{ExpiresIn: time.Hour, Now: docNow}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s3.Presign("GET", "examplebucket", "photos/2024/cat.jpg", opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAWSPresignHTTP(b *testing.B) {
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// a fresh request each time, as PresignHTTP mutates it
		req, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/photos/2024/cat.jpg?X-Amz-Expires=3600", nil)
		if _, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", docNow); err != nil {
			b.Fatal(err)
		}
	}
}

func Example() {
	creds, _ := NewCredentials(docAKID, docSecret, "", time.Time{})
	s3, _ := NewS3Presigner(S3Options{Region: "us-east-1", Credentials: creds})
	u, _ := s3.PresignGet("examplebucket", "test.txt", PresignOptions{ExpiresIn: 24 * time.Hour, Now: docNow})
	fmt.Println(sigOf(u))
	// Output: aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404
}
