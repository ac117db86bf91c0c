package presigner

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The three cases of bench/go (get, get_token, put with two signed headers), for
// `go test -bench Case -benchmem`: allocations and ns/op of presigner next to aws-sdk-go-v2
// PresignHTTP in the same process.

const benchToken = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDbenchmarkSessionTokenExampleOnlyNotARealTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

func benchPresigner(b *testing.B, token string) *S3Presigner {
	b.Helper()
	s3, err := NewS3Presigner(S3Options{Region: "eu-west-1", Credentials: mustCreds(b, docAKID, docSecret, token, time.Time{})})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s3.Close() })
	return s3
}

func benchPutHeaders() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "image/jpeg")
	h.Set("x-amz-meta-owner", "alice")
	return h
}

const benchKey = "photos/2024/holiday picture (1).jpg"

func BenchmarkCaseGet(b *testing.B) {
	s3 := benchPresigner(b, "")
	o := PresignOptions{ExpiresIn: time.Hour, Now: docNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s3.PresignGet("examplebucket", benchKey, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCaseGetToken(b *testing.B) {
	s3 := benchPresigner(b, benchToken)
	o := PresignOptions{ExpiresIn: time.Hour, Now: docNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s3.PresignGet("examplebucket", benchKey, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCasePut(b *testing.B) {
	s3 := benchPresigner(b, "")
	o := PresignOptions{ExpiresIn: time.Hour, Now: docNow, Headers: benchPutHeaders()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s3.Presign("PUT", "examplebucket", benchKey, o); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAWS(b *testing.B, token, method string, h http.Header) {
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret, SessionToken: token}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(method, "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/2024/holiday%20picture%20%281%29.jpg?X-Amz-Expires=3600", nil)
		for n, v := range h {
			req.Header[n] = v
		}
		if _, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", docNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCaseAWSGet(b *testing.B)      { benchAWS(b, "", "GET", nil) }
func BenchmarkCaseAWSGetToken(b *testing.B) { benchAWS(b, benchToken, "GET", nil) }
func BenchmarkCaseAWSPut(b *testing.B)      { benchAWS(b, "", "PUT", benchPutHeaders()) }
