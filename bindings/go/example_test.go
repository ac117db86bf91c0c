package presigner_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/presigner/presigner/bindings/go"
)

// An upload gateway: net/http middleware that verifies the presigned URL before serving.
func ExampleRequirePresigned() {
	creds, _ := presigner.NewCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", time.Time{})
	keys, _ := presigner.NewKeyring(creds) // or KeyringFromMap, or a LookupFunc
	upload := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := presigner.VerifiedFromContext(r.Context())
		fmt.Fprintf(w, "%s may %s %s until %s", v.AccessKeyID, r.Method, r.URL.Path, v.ExpiresAt.Format(time.RFC3339))
	})
	gateway := presigner.RequirePresigned(keys, presigner.VerifyOptions{Region: "us-east-1", Service: "s3"}, upload)
	// http.ListenAndServe(":8080", gateway)

	// Try it: a presigned PUT passes, the same URL used for a GET is refused.
	s3, _ := presigner.NewS3Presigner(presigner.S3Options{Region: "us-east-1", Credentials: creds,
		EndpointURL: "http://uploads.example", AddressingStyle: presigner.AddressingPath})
	now := time.Now().Truncate(time.Second)
	put, _ := s3.Presign("PUT", "inbox", "report.pdf", presigner.PresignOptions{Now: now})
	for _, method := range []string{"PUT", "GET"} {
		rec := httptest.NewRecorder()
		gateway.ServeHTTP(rec, httptest.NewRequest(method, put.URL, nil))
		fmt.Println(rec.Code, strings.Replace(strings.TrimSpace(rec.Body.String()), now.Add(time.Hour).UTC().Format(time.RFC3339), "EXPIRY", 1))
	}
	// Output:
	// 200 AKIAIOSFODNN7EXAMPLE may PUT /inbox/report.pdf until EXPIRY
	// 403 signature_mismatch
}
