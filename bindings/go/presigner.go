// Package presigner makes AWS Signature Version 4 presigned URLs (S3 GET/PUT links, any AWS
// request) and signs requests with an Authorization header, through the presigner C ABI
// (include/presigner.h, libpresigner_ffi). It produces the same bytes as the project's Rust
// core, CLI and other bindings.
//
//	creds, _ := presigner.NewCredentials("AKID", "SECRET", "", time.Time{})
//	s3, _ := presigner.NewS3Presigner(presigner.S3Options{Region: "us-east-1", Credentials: creds})
//	url, _ := s3.PresignGet("bucket", "key.txt", presigner.PresignOptions{ExpiresIn: time.Hour})
//
// Credentials and S3Presigner wrap C handles: Close them when done (a finalizer frees them
// otherwise). Both are safe for concurrent use; Close must not race with other calls.
package presigner

/*
#include <stdlib.h>
#include "presigner.h"
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"sync"
	"time"
	"unsafe"
)

// Version is the version of the linked C library.
func Version() string { return C.GoString(C.presigner_version()) }

// ---- errors ------------------------------------------------------------------------------

// Sentinel errors, one per status of the C ABI. Every error returned by this package wraps
// one of them: test with errors.Is(err, presigner.ErrInvalidExpiry).
var (
	ErrInvalidExpiry              = errors.New("invalid_expiry")
	ErrInvalidBucket              = errors.New("invalid_bucket")
	ErrInvalidKey                 = errors.New("invalid_key")
	ErrInvalidRegion              = errors.New("invalid_region")
	ErrInvalidEndpoint            = errors.New("invalid_endpoint")
	ErrInvalidHeader              = errors.New("invalid_header")
	ErrInvalidQuery               = errors.New("invalid_query")
	ErrInvalidURL                 = errors.New("invalid_url")
	ErrInvalidMethod              = errors.New("invalid_method")
	ErrInvalidService             = errors.New("invalid_service")
	ErrInvalidTime                = errors.New("invalid_time")
	ErrInvalidOption              = errors.New("invalid_option")
	ErrInvalidCredentials         = errors.New("invalid_credentials")
	ErrMissingCredentials         = errors.New("missing_credentials")
	ErrProfile                    = errors.New("profile_error")
	ErrCredentialsExpired         = errors.New("credentials_expired")
	ErrCredentialsExpireBeforeURL = errors.New("credentials_expire_before_url")
	// Verification failures (VerifyPresigned, VerifyRequest): answer them all with 403.
	ErrUnsupportedAlgorithm   = errors.New("unsupported_algorithm")
	ErrMalformedRequest       = errors.New("malformed_request")
	ErrInvalidCredentialScope = errors.New("invalid_credential_scope")
	ErrScopeMismatch          = errors.New("scope_mismatch")
	ErrDuplicateParameter     = errors.New("duplicate_parameter")
	ErrMissingSignedHeader    = errors.New("missing_signed_header")
	ErrUnknownAccessKey       = errors.New("unknown_access_key")
	ErrInvalidSessionToken    = errors.New("invalid_session_token")
	ErrRequestExpired         = errors.New("request_expired")
	ErrRequestNotYetValid     = errors.New("request_not_yet_valid")
	ErrSignatureMismatch      = errors.New("signature_mismatch")
	ErrNullArgument           = errors.New("null_argument")
	ErrInvalidUTF8            = errors.New("invalid_utf8")
	ErrPanic                  = errors.New("panic")
	ErrBufferTooSmall         = errors.New("buffer_too_small")
	ErrIndexOutOfRange        = errors.New("index_out_of_range")
	ErrUnknown                = errors.New("unknown_error")
	// ErrClosed is returned when a closed Credentials or S3Presigner is used (Go side only).
	ErrClosed = errors.New("closed")
)

var sentinels = map[C.presigner_status]error{
	C.PRESIGNER_STATUS_INVALID_EXPIRY:                ErrInvalidExpiry,
	C.PRESIGNER_STATUS_INVALID_BUCKET:                ErrInvalidBucket,
	C.PRESIGNER_STATUS_INVALID_KEY:                   ErrInvalidKey,
	C.PRESIGNER_STATUS_INVALID_REGION:                ErrInvalidRegion,
	C.PRESIGNER_STATUS_INVALID_ENDPOINT:              ErrInvalidEndpoint,
	C.PRESIGNER_STATUS_INVALID_HEADER:                ErrInvalidHeader,
	C.PRESIGNER_STATUS_INVALID_QUERY:                 ErrInvalidQuery,
	C.PRESIGNER_STATUS_INVALID_URL:                   ErrInvalidURL,
	C.PRESIGNER_STATUS_INVALID_METHOD:                ErrInvalidMethod,
	C.PRESIGNER_STATUS_INVALID_SERVICE:               ErrInvalidService,
	C.PRESIGNER_STATUS_INVALID_TIME:                  ErrInvalidTime,
	C.PRESIGNER_STATUS_INVALID_OPTION:                ErrInvalidOption,
	C.PRESIGNER_STATUS_INVALID_CREDENTIALS:           ErrInvalidCredentials,
	C.PRESIGNER_STATUS_MISSING_CREDENTIALS:           ErrMissingCredentials,
	C.PRESIGNER_STATUS_PROFILE_ERROR:                 ErrProfile,
	C.PRESIGNER_STATUS_CREDENTIALS_EXPIRED:           ErrCredentialsExpired,
	C.PRESIGNER_STATUS_CREDENTIALS_EXPIRE_BEFORE_URL: ErrCredentialsExpireBeforeURL,
	C.PRESIGNER_STATUS_UNSUPPORTED_ALGORITHM:         ErrUnsupportedAlgorithm,
	C.PRESIGNER_STATUS_MALFORMED_REQUEST:             ErrMalformedRequest,
	C.PRESIGNER_STATUS_INVALID_CREDENTIAL_SCOPE:      ErrInvalidCredentialScope,
	C.PRESIGNER_STATUS_SCOPE_MISMATCH:                ErrScopeMismatch,
	C.PRESIGNER_STATUS_DUPLICATE_PARAMETER:           ErrDuplicateParameter,
	C.PRESIGNER_STATUS_MISSING_SIGNED_HEADER:         ErrMissingSignedHeader,
	C.PRESIGNER_STATUS_UNKNOWN_ACCESS_KEY:            ErrUnknownAccessKey,
	C.PRESIGNER_STATUS_INVALID_SESSION_TOKEN:         ErrInvalidSessionToken,
	C.PRESIGNER_STATUS_REQUEST_EXPIRED:               ErrRequestExpired,
	C.PRESIGNER_STATUS_REQUEST_NOT_YET_VALID:         ErrRequestNotYetValid,
	C.PRESIGNER_STATUS_SIGNATURE_MISMATCH:            ErrSignatureMismatch,
	C.PRESIGNER_STATUS_NULL_ARGUMENT:                 ErrNullArgument,
	C.PRESIGNER_STATUS_INVALID_UTF8:                  ErrInvalidUTF8,
	C.PRESIGNER_STATUS_PANIC:                         ErrPanic,
	C.PRESIGNER_STATUS_BUFFER_TOO_SMALL:              ErrBufferTooSmall,
	C.PRESIGNER_STATUS_INDEX_OUT_OF_RANGE:            ErrIndexOutOfRange,
	C.PRESIGNER_STATUS_UNKNOWN_ERROR:                 ErrUnknown,
}

// Error is a failure reported by the library: its stable code, numeric status and message.
type Error struct {
	Code    string // e.g. "invalid_expiry"
	Status  int    // the presigner_status value
	Message string // human-readable; never contains secrets
	kind    error
}

func (e *Error) Error() string { return "presigner: " + e.Message }

// Unwrap returns the sentinel error of the code, so errors.Is works.
func (e *Error) Unwrap() error { return e.kind }

func newError(st C.presigner_status, msg string) error {
	kind, ok := sentinels[st]
	if !ok {
		kind = ErrUnknown
	}
	if msg == "" {
		msg = kind.Error()
	}
	return &Error{Code: C.GoString(C.presigner_status_str(C.uint32_t(st))), Status: int(st), Message: msg, kind: kind}
}

// call runs one C function and, on failure, reads the thread-local message on the same OS
// thread (the goroutine is locked to it for the duration).
func call(f func() C.presigner_status) error {
	runtime.LockOSThread()
	st := f()
	if st == C.PRESIGNER_STATUS_OK {
		runtime.UnlockOSThread()
		return nil
	}
	msg := lastErrorMessage()
	runtime.UnlockOSThread()
	return newError(st, msg)
}

func lastErrorMessage() string {
	n := C.presigner_last_error_length()
	buf := make([]byte, int(n)+1)
	var got C.size_t
	if C.presigner_last_error_message((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &got) != C.PRESIGNER_STATUS_OK {
		return ""
	}
	return string(buf[:got])
}

// ---- string helpers ----------------------------------------------------------------------

// cs passes a Go string to C for the duration of a call (no copy; the C side only reads it).
func cs(s string) (*C.char, C.size_t) {
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// optional string: "" is absent (NULL).
func ocs(s string) (*C.char, C.size_t) {
	if s == "" {
		return nil, 0
	}
	return cs(s)
}

func gostr(s C.presigner_str) string {
	if s.len == 0 {
		return ""
	}
	return C.GoStringN(s.data, C.int(s.len))
}

// ---- credentials -------------------------------------------------------------------------

// Credentials are an access key id, its secret and optionally a session token and expiry,
// held by the library (the secret is not readable back). Safe for concurrent use.
type Credentials struct {
	mu sync.Mutex
	p  *C.presigner_credentials
}

func wrapCredentials(p *C.presigner_credentials) *Credentials {
	c := &Credentials{p: p}
	runtime.SetFinalizer(c, (*Credentials).Close)
	return c
}

// NewCredentials makes credentials. sessionToken "" means none; a zero expires means none.
func NewCredentials(accessKeyID, secretAccessKey, sessionToken string, expires time.Time) (*Credentials, error) {
	var p *C.presigner_credentials
	var exp C.int64_t
	var expPtr *C.int64_t
	if !expires.IsZero() {
		exp = C.int64_t(expires.Unix())
		expPtr = &exp
	}
	err := call(func() C.presigner_status {
		a, al := cs(accessKeyID)
		s, sl := cs(secretAccessKey)
		t, tl := ocs(sessionToken)
		return C.presigner_credentials_new(a, al, s, sl, t, tl, expPtr, &p)
	})
	runtime.KeepAlive(accessKeyID)
	runtime.KeepAlive(secretAccessKey)
	runtime.KeepAlive(sessionToken)
	if err != nil {
		return nil, err
	}
	return wrapCredentials(p), nil
}

// CredentialsFromEnv reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
// AWS_CREDENTIAL_EXPIRATION.
func CredentialsFromEnv() (*Credentials, error) {
	var p *C.presigner_credentials
	if err := call(func() C.presigner_status { return C.presigner_credentials_from_env(&p) }); err != nil {
		return nil, err
	}
	return wrapCredentials(p), nil
}

// CredentialsFromProfile reads a profile of the shared credentials/config files
// ("" → AWS_PROFILE, else "default").
func CredentialsFromProfile(profile string) (*Credentials, error) {
	var p *C.presigner_credentials
	err := call(func() C.presigner_status {
		n, nl := ocs(profile)
		return C.presigner_credentials_from_profile(n, nl, &p)
	})
	runtime.KeepAlive(profile)
	if err != nil {
		return nil, err
	}
	return wrapCredentials(p), nil
}

// DefaultCredentials tries the environment, then the shared files' profile.
func DefaultCredentials() (*Credentials, error) {
	var p *C.presigner_credentials
	if err := call(func() C.presigner_status { return C.presigner_credentials_from_default_chain(&p) }); err != nil {
		return nil, err
	}
	return wrapCredentials(p), nil
}

// AccessKeyID returns the access key id ("" once closed).
func (c *Credentials) AccessKeyID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p == nil {
		return ""
	}
	var s C.presigner_str
	if C.presigner_credentials_access_key_id(c.p, &s) != C.PRESIGNER_STATUS_OK {
		return ""
	}
	return gostr(s)
}

// Close frees the credentials. Safe to call more than once.
func (c *Credentials) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p != nil {
		C.presigner_credentials_free(c.p)
		c.p = nil
	}
	runtime.SetFinalizer(c, nil)
	return nil
}

func (c *Credentials) handle() (*C.presigner_credentials, error) {
	if c == nil {
		return nil, &Error{Code: "null_argument", Status: int(C.PRESIGNER_STATUS_NULL_ARGUMENT), Message: "credentials are nil", kind: ErrNullArgument}
	}
	c.mu.Lock()
	p := c.p
	c.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("presigner: credentials: %w", ErrClosed)
	}
	return p, nil
}

// ---- S3 ----------------------------------------------------------------------------------

// AddressingStyle says where the bucket goes in the URL.
type AddressingStyle string

const (
	AddressingAuto    AddressingStyle = "auto"    // virtual-hosted on AWS, path style on custom endpoints
	AddressingVirtual AddressingStyle = "virtual" // https://bucket.host/key
	AddressingPath    AddressingStyle = "path"    // https://host/bucket/key
)

// ExpiryPolicy says what to do when the credentials expire before the URL would.
type ExpiryPolicy string

const (
	ExpiryError ExpiryPolicy = "error" // refuse (the default)
	ExpiryClamp ExpiryPolicy = "clamp" // shorten X-Amz-Expires to the credentials' lifetime
	ExpiryAllow ExpiryPolicy = "allow" // sign as asked; ExpiresAt shows the real end
)

// S3Options configure an S3Presigner. Region and Credentials are required.
type S3Options struct {
	Region          string
	Credentials     *Credentials
	EndpointURL     string // e.g. "http://127.0.0.1:9000" for MinIO; "" for AWS
	AddressingStyle AddressingStyle
	Dualstack       bool
	FIPS            bool
	Accelerate      bool
	ExpiryPolicy    ExpiryPolicy
}

// ResponseOverrides are the response-* parameters of a presigned GET.
type ResponseOverrides struct {
	ContentType, ContentDisposition, ContentLanguage, ContentEncoding, CacheControl, Expires string
}

// PresignOptions are per-URL options. The zero value means: one hour, the system clock.
type PresignOptions struct {
	ExpiresIn time.Duration // whole seconds, 1s..7 days; 0 means one hour
	Headers   http.Header   // headers to sign; the client must send them as given
	Query     url.Values    // extra query parameters (e.g. partNumber, uploadId)
	VersionID string
	Response  ResponseOverrides
	Now       time.Time // signing time; zero means the system clock
}

// PresignedRequest is a presigned URL and what the client must send with it.
type PresignedRequest struct {
	URL              string
	Method           string
	Headers          http.Header // every signed header but host, to send with exactly these values
	SignedHeaders    []string    // lower-case, sorted
	SignedAt         time.Time
	ExpiresAt        time.Time
	Signature        string
	CanonicalRequest string
	StringToSign     string
}

// S3Presigner presigns S3 requests. Safe for concurrent use; share one per process.
type S3Presigner struct {
	mu sync.Mutex
	p  *C.presigner_s3
}

// NewS3Presigner validates the options and resolves the endpoint. The presigner keeps its own
// copy of the credentials.
func NewS3Presigner(o S3Options) (*S3Presigner, error) {
	cp, err := o.Credentials.handle()
	if err != nil {
		return nil, err
	}
	var so *C.presigner_s3_options
	if err := call(func() C.presigner_status { return C.presigner_s3_options_new(&so) }); err != nil {
		return nil, err
	}
	defer C.presigner_s3_options_free(so)
	set := []func() C.presigner_status{
		func() C.presigner_status {
			v, l := ocs(o.EndpointURL)
			return C.presigner_s3_options_set_endpoint_url(so, v, l)
		},
		func() C.presigner_status { return C.presigner_s3_options_set_dualstack(so, C.bool(o.Dualstack)) },
		func() C.presigner_status { return C.presigner_s3_options_set_fips(so, C.bool(o.FIPS)) },
		func() C.presigner_status { return C.presigner_s3_options_set_accelerate(so, C.bool(o.Accelerate)) },
	}
	if o.AddressingStyle != "" {
		set = append(set, func() C.presigner_status {
			v, l := cs(string(o.AddressingStyle))
			return C.presigner_s3_options_set_addressing_style(so, v, l)
		})
	}
	if o.ExpiryPolicy != "" {
		set = append(set, func() C.presigner_status {
			v, l := cs(string(o.ExpiryPolicy))
			return C.presigner_s3_options_set_expiry_policy(so, v, l)
		})
	}
	for _, f := range set {
		if err := call(f); err != nil {
			return nil, err
		}
	}
	var p *C.presigner_s3
	err = call(func() C.presigner_status {
		r, rl := cs(o.Region)
		return C.presigner_s3_new(r, rl, cp, so, &p)
	})
	runtime.KeepAlive(o)
	runtime.KeepAlive(o.Credentials)
	if err != nil {
		return nil, err
	}
	s := &S3Presigner{p: p}
	runtime.SetFinalizer(s, (*S3Presigner).Close)
	return s, nil
}

// Close frees the presigner. Safe to call more than once, not concurrently with Presign*.
func (s *S3Presigner) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != nil {
		C.presigner_s3_free(s.p)
		s.p = nil
	}
	runtime.SetFinalizer(s, nil)
	return nil
}

func (s *S3Presigner) handle() (*C.presigner_s3, error) {
	s.mu.Lock()
	p := s.p
	s.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("presigner: S3Presigner: %w", ErrClosed)
	}
	return p, nil
}

func expiresSeconds(d time.Duration) int64 {
	if d == 0 {
		return 3600
	}
	secs := int64(d / time.Second)
	if d%time.Second != 0 {
		return 0 // not whole seconds: rejected as invalid_expiry
	}
	return secs
}

// buildOptionsPerField makes the same handle as buildOptions with one C call per field (the
// previous implementation, kept as the reference the tests compare buildOptions with).
func buildOptionsPerField(o *PresignOptions) (*C.presigner_presign_options, error) {
	var h *C.presigner_presign_options
	if err := call(func() C.presigner_status { return C.presigner_presign_options_new(&h) }); err != nil {
		return nil, err
	}
	fail := func(err error) (*C.presigner_presign_options, error) {
		C.presigner_presign_options_free(h)
		return nil, err
	}
	if err := call(func() C.presigner_status {
		return C.presigner_presign_options_set_expires_in(h, C.int64_t(expiresSeconds(o.ExpiresIn)))
	}); err != nil {
		return fail(err)
	}
	if !o.Now.IsZero() {
		if err := call(func() C.presigner_status { return C.presigner_presign_options_set_now(h, C.int64_t(o.Now.Unix())) }); err != nil {
			return fail(err)
		}
	}
	for _, name := range sortedKeys(o.Headers) {
		for _, v := range o.Headers[name] {
			if err := call(func() C.presigner_status {
				n, nl := cs(name)
				x, xl := cs(v)
				return C.presigner_presign_options_add_header(h, n, nl, x, xl)
			}); err != nil {
				return fail(err)
			}
		}
	}
	for _, name := range sortedKeys(o.Query) {
		for _, v := range o.Query[name] {
			if err := call(func() C.presigner_status {
				n, nl := cs(name)
				x, xl := cs(v)
				return C.presigner_presign_options_add_query(h, n, nl, x, xl)
			}); err != nil {
				return fail(err)
			}
		}
	}
	if o.VersionID != "" {
		if err := call(func() C.presigner_status {
			v, l := cs(o.VersionID)
			return C.presigner_presign_options_set_version_id(h, v, l)
		}); err != nil {
			return fail(err)
		}
	}
	r := o.Response
	for _, ov := range [][2]string{
		{"content-type", r.ContentType}, {"content-disposition", r.ContentDisposition},
		{"content-language", r.ContentLanguage}, {"content-encoding", r.ContentEncoding},
		{"cache-control", r.CacheControl}, {"expires", r.Expires},
	} {
		if ov[1] == "" {
			continue
		}
		if err := call(func() C.presigner_status {
			n, nl := cs(ov[0])
			v, vl := cs(ov[1])
			return C.presigner_presign_options_set_response_override(h, n, nl, v, vl)
		}); err != nil {
			return fail(err)
		}
	}
	runtime.KeepAlive(o)
	return h, nil
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// readPresignedPerField reads a result with one C call per field and one Go string per field
// (the previous implementation, kept as the reference the tests compare readPresigned with).
func readPresignedPerField(p *C.presigner_presigned) *PresignedRequest {
	var f C.presigner_presigned_fields
	C.presigner_presigned_get_fields(p, &f)
	r := &PresignedRequest{
		URL:              gostr(f.url),
		Method:           gostr(f.method),
		Signature:        gostr(f.signature),
		CanonicalRequest: gostr(f.canonical_request),
		StringToSign:     gostr(f.string_to_sign),
		SignedAt:         time.Unix(int64(f.signed_at), 0).UTC(),
		ExpiresAt:        time.Unix(int64(f.expires_at), 0).UTC(),
		Headers:          http.Header{},
		SignedHeaders:    make([]string, 0, int(f.signed_header_count)),
	}
	for i := 0; i < int(f.header_count); i++ {
		var h C.presigner_header
		C.presigner_presigned_header(p, C.size_t(i), &h)
		r.Headers.Add(gostr(h.name), gostr(h.value))
	}
	for i := 0; i < int(f.signed_header_count); i++ {
		var s C.presigner_str
		C.presigner_presigned_signed_header(p, C.size_t(i), &s)
		r.SignedHeaders = append(r.SignedHeaders, gostr(s))
	}
	return r
}

// Presign presigns method on bucket/key (the key is taken literally: no normalization).
func (s *S3Presigner) Presign(method, bucket, key string, opts PresignOptions) (*PresignedRequest, error) {
	sp, err := s.handle()
	if err != nil {
		return nil, err
	}
	sc := getScratch()
	defer putScratch(sc)
	hc, qc := sc.pack(&opts)
	m, ml := cs(method)
	b, bl := cs(bucket)
	k, kl := cs(key)
	// One C call takes the packed options, presigns and serializes the result into sc.buf; a
	// buffer too small (rare: the pooled buffers grow to the largest result seen) costs one
	// more signing.
	for {
		runtime.LockOSThread()
		st := C.presigner_s3_presign_packed_fields_into(sp, m, ml, b, bl, k, kl,
			C.int64_t(expiresSeconds(opts.ExpiresIn)), C.bool(!opts.Now.IsZero()), C.int64_t(opts.Now.Unix()),
			sc.dataPtr(), C.size_t(len(sc.data)), &sc.lens[0], C.size_t(len(sc.lens)), C.size_t(hc), C.size_t(qc),
			sc.bufPtr(), C.size_t(len(sc.buf)), &sc.n)
		if st == C.PRESIGNER_STATUS_BUFFER_TOO_SMALL && int(sc.n) > len(sc.buf) {
			runtime.UnlockOSThread()
			sc.grow(int(sc.n))
			continue
		}
		err = statusErr(st)
		runtime.UnlockOSThread()
		break
	}
	runtime.KeepAlive(method)
	runtime.KeepAlive(bucket)
	runtime.KeepAlive(key)
	runtime.KeepAlive(s)
	if err != nil {
		return nil, err
	}
	return parseFields(bytes.Clone(sc.buf[:sc.n]))
}

// presignPerField is Presign as it was before the one-call path: options built with one C call
// per field, the result read with one C call per field (the reference of the tests).
func (s *S3Presigner) presignPerField(method, bucket, key string, opts PresignOptions) (*PresignedRequest, error) {
	sp, err := s.handle()
	if err != nil {
		return nil, err
	}
	oh, err := buildOptionsPerField(&opts)
	if err != nil {
		return nil, err
	}
	defer C.presigner_presign_options_free(oh)
	var out *C.presigner_presigned
	err = call(func() C.presigner_status {
		m, ml := cs(method)
		b, bl := cs(bucket)
		k, kl := cs(key)
		return C.presigner_s3_presign(sp, m, ml, b, bl, k, kl, oh, &out)
	})
	runtime.KeepAlive(method)
	runtime.KeepAlive(bucket)
	runtime.KeepAlive(key)
	runtime.KeepAlive(s)
	if err != nil {
		return nil, err
	}
	defer C.presigner_presigned_free(out)
	return readPresignedPerField(out), nil
}

// presignHandleRead is Presign through a result handle read with readPresigned (the path of
// PresignURL), for the tests.
func (s *S3Presigner) presignHandleRead(method, bucket, key string, opts PresignOptions) (*PresignedRequest, error) {
	sp, err := s.handle()
	if err != nil {
		return nil, err
	}
	sc := getScratch()
	defer putScratch(sc)
	oh, err := sc.buildOptions(&opts)
	if err != nil {
		return nil, err
	}
	defer C.presigner_presign_options_free(oh)
	m, ml := cs(method)
	b, bl := cs(bucket)
	k, kl := cs(key)
	runtime.LockOSThread()
	err = statusErr(C.presigner_s3_presign(sp, m, ml, b, bl, k, kl, oh, &sc.presigned))
	runtime.UnlockOSThread()
	runtime.KeepAlive(method)
	runtime.KeepAlive(bucket)
	runtime.KeepAlive(key)
	runtime.KeepAlive(s)
	if err != nil {
		return nil, err
	}
	return sc.takePresigned()
}

// PresignGet returns a presigned GET URL. The library computes only the URL and writes it
// into a reused buffer in one C call (with a second one only when the buffer is too small).
func (s *S3Presigner) PresignGet(bucket, key string, opts PresignOptions) (string, error) {
	sp, err := s.handle()
	if err != nil {
		return "", err
	}
	sc := getScratch()
	defer putScratch(sc)
	var oh *C.presigner_presign_options // NULL: no headers, query, version id or overrides
	if !isSimple(&opts) {
		if oh, err = sc.buildOptions(&opts); err != nil {
			return "", err
		}
		defer C.presigner_presign_options_free(oh)
	}
	b, bl := cs(bucket)
	k, kl := cs(key)
	exp := C.int64_t(expiresSeconds(opts.ExpiresIn))
	hasNow, now := C.bool(!opts.Now.IsZero()), C.int64_t(opts.Now.Unix())
	for {
		runtime.LockOSThread()
		st := C.presigner_s3_presign_url_into(sp, getMethod, 3, b, bl, k, kl, exp, hasNow, now, oh,
			sc.bufPtr(), C.size_t(len(sc.buf)), &sc.n)
		if st == C.PRESIGNER_STATUS_BUFFER_TOO_SMALL && int(sc.n) > len(sc.buf) {
			runtime.UnlockOSThread()
			sc.grow(int(sc.n))
			continue
		}
		err = statusErr(st)
		runtime.UnlockOSThread()
		break
	}
	runtime.KeepAlive(bucket)
	runtime.KeepAlive(key)
	runtime.KeepAlive(s)
	if err != nil {
		return "", err
	}
	return string(sc.buf[:sc.n]), nil
}

// getMethod is "GET" in C memory, allocated once.
var getMethod = C.CString("GET")

func isSimple(o *PresignOptions) bool {
	return len(o.Headers) == 0 && len(o.Query) == 0 && o.VersionID == "" && o.Response == (ResponseOverrides{})
}

// PresignPut presigns a PUT; contentType, when not "", is signed and must be sent as given.
func (s *S3Presigner) PresignPut(bucket, key, contentType string, opts PresignOptions) (*PresignedRequest, error) {
	if contentType != "" {
		h := opts.Headers.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Content-Type", contentType)
		opts.Headers = h
	}
	return s.Presign(http.MethodPut, bucket, key, opts)
}

// PresignMany presigns the same request for many keys at one signing time; the URLs come
// back in key order. It stops at the first invalid key.
func (s *S3Presigner) PresignMany(method, bucket string, keys []string, opts PresignOptions) ([]string, error) {
	sp, err := s.handle()
	if err != nil {
		return nil, err
	}
	sc := getScratch()
	oh, err := sc.buildOptions(&opts)
	putScratch(sc)
	if err != nil {
		return nil, err
	}
	defer C.presigner_presign_options_free(oh)
	arr, free := cStrArray(keys)
	defer free()
	var list *C.presigner_url_list
	err = call(func() C.presigner_status {
		m, ml := cs(method)
		b, bl := cs(bucket)
		return C.presigner_s3_presign_many(sp, m, ml, b, bl, arr, C.size_t(len(keys)), oh, &list)
	})
	runtime.KeepAlive(method)
	runtime.KeepAlive(bucket)
	runtime.KeepAlive(s)
	if err != nil {
		return nil, err
	}
	defer C.presigner_url_list_free(list)
	var n C.size_t
	C.presigner_url_list_count(list, &n)
	urls := make([]string, int(n))
	for i := range urls {
		var u C.presigner_str
		C.presigner_url_list_get(list, C.size_t(i), &u)
		urls[i] = gostr(u)
	}
	return urls, nil
}

// cStrArray copies strings into C memory as a presigner_str array (Go memory handed to C
// must not contain Go pointers).
func cStrArray(ss []string) (*C.presigner_str, func()) {
	if len(ss) == 0 {
		return nil, func() {}
	}
	total := 0
	for _, s := range ss {
		total += len(s)
	}
	arr := (*C.presigner_str)(C.malloc(C.size_t(len(ss)) * C.size_t(unsafe.Sizeof(C.presigner_str{}))))
	data := (*C.char)(C.malloc(C.size_t(total + 1)))
	views := unsafe.Slice(arr, len(ss))
	bytes := unsafe.Slice((*byte)(unsafe.Pointer(data)), total+1)
	off := 0
	for i, s := range ss {
		copy(bytes[off:], s)
		views[i] = C.presigner_str{data: (*C.char)(unsafe.Pointer(&bytes[off])), len: C.size_t(len(s))}
		off += len(s)
	}
	return arr, func() { C.free(unsafe.Pointer(arr)); C.free(unsafe.Pointer(data)) }
}

// ---- generic signing ---------------------------------------------------------------------

// SigningSettings are the canonicalization settings. nil in options means the service's
// preset (S3Settings for "s3", GenericSettings otherwise).
type SigningSettings struct {
	NormalizePath       bool   // remove . / .. / empty path segments
	DoubleEncode        bool   // percent-encode the encoded path once more
	PayloadHash         string // "" = SHA-256 of the body; or 64 hex digits / UNSIGNED-PAYLOAD
	OmitSessionToken    bool   // add the token after signing (IoT WebSockets)
	ContentSHA256Header bool   // header signing: add and sign x-amz-content-sha256
}

// S3Settings is the S3 preset: path as sent, UNSIGNED-PAYLOAD, x-amz-content-sha256.
func S3Settings() SigningSettings {
	return SigningSettings{PayloadHash: "UNSIGNED-PAYLOAD", ContentSHA256Header: true}
}

// GenericSettings is the preset of every other service.
func GenericSettings() SigningSettings {
	return SigningSettings{NormalizePath: true, DoubleEncode: true}
}

// URLOptions configure PresignURL.
type URLOptions struct {
	Region, Service string
	ExpiresIn       time.Duration // 0 means one hour
	Headers         http.Header
	Query           url.Values
	Now             time.Time
	Settings        *SigningSettings
	ExpiryPolicy    ExpiryPolicy
}

// SignOptions configure SignRequest.
type SignOptions struct {
	Region, Service string
	Now             time.Time
	Settings        *SigningSettings
}

// SignedRequest is the result of SignRequest.
type SignedRequest struct {
	Headers          http.Header // added to the request by SignRequest
	SignedHeaders    []string
	SignedAt         time.Time
	Signature        string
	Authorization    string
	CanonicalRequest string
	StringToSign     string
}

func buildParams(region, service string, now time.Time, st *SigningSettings, policy ExpiryPolicy) (*C.presigner_signing_params, error) {
	var h *C.presigner_signing_params
	err := call(func() C.presigner_status {
		r, rl := cs(region)
		s, sl := cs(service)
		return C.presigner_signing_params_new(r, rl, s, sl, &h)
	})
	runtime.KeepAlive(region)
	runtime.KeepAlive(service)
	if err != nil {
		return nil, err
	}
	steps := []func() C.presigner_status{}
	if !now.IsZero() {
		steps = append(steps, func() C.presigner_status { return C.presigner_signing_params_set_now(h, C.int64_t(now.Unix())) })
	}
	if st != nil {
		steps = append(steps,
			func() C.presigner_status {
				return C.presigner_signing_params_set_normalize_path(h, C.bool(st.NormalizePath))
			},
			func() C.presigner_status {
				return C.presigner_signing_params_set_double_encode(h, C.bool(st.DoubleEncode))
			},
			func() C.presigner_status {
				return C.presigner_signing_params_set_omit_session_token(h, C.bool(st.OmitSessionToken))
			},
			func() C.presigner_status {
				return C.presigner_signing_params_set_content_sha256_header(h, C.bool(st.ContentSHA256Header))
			},
			func() C.presigner_status {
				v, l := ocs(st.PayloadHash)
				return C.presigner_signing_params_set_payload_hash(h, v, l)
			})
	}
	if policy != "" {
		steps = append(steps, func() C.presigner_status {
			v, l := cs(string(policy))
			return C.presigner_signing_params_set_expiry_policy(h, v, l)
		})
	}
	for _, f := range steps {
		if err := call(f); err != nil {
			C.presigner_signing_params_free(h)
			return nil, err
		}
	}
	runtime.KeepAlive(st)
	return h, nil
}

// PresignURL presigns any AWS request given as a URL (STS, RDS IAM auth tokens, API Gateway).
func PresignURL(method, rawURL string, creds *Credentials, opts URLOptions) (*PresignedRequest, error) {
	cp, err := creds.handle()
	if err != nil {
		return nil, err
	}
	ph, err := buildParams(opts.Region, opts.Service, opts.Now, opts.Settings, opts.ExpiryPolicy)
	if err != nil {
		return nil, err
	}
	defer C.presigner_signing_params_free(ph)
	po := PresignOptions{ExpiresIn: opts.ExpiresIn, Headers: opts.Headers, Query: opts.Query}
	sc := getScratch()
	defer putScratch(sc)
	oh, err := sc.buildOptions(&po)
	if err != nil {
		return nil, err
	}
	defer C.presigner_presign_options_free(oh)
	m, ml := cs(method)
	u, ul := cs(rawURL)
	runtime.LockOSThread()
	err = statusErr(C.presigner_presign_url(m, ml, u, ul, cp, ph, oh, &sc.presigned))
	runtime.UnlockOSThread()
	runtime.KeepAlive(method)
	runtime.KeepAlive(rawURL)
	runtime.KeepAlive(creds)
	if err != nil {
		return nil, err
	}
	return sc.takePresigned()
}

// SignRequest signs req with an Authorization header, in place: it adds X-Amz-Date,
// Authorization and, when they apply, X-Amz-Security-Token and x-amz-content-sha256 to
// req.Header. body is the request body to hash (nil for none; ignored when the settings give
// a payload hash); req.Body is not read.
func SignRequest(req *http.Request, body []byte, creds *Credentials, opts SignOptions) (*SignedRequest, error) {
	cp, err := creds.handle()
	if err != nil {
		return nil, err
	}
	ph, err := buildParams(opts.Region, opts.Service, opts.Now, opts.Settings, "")
	if err != nil {
		return nil, err
	}
	defer C.presigner_signing_params_free(ph)

	var names, values []string
	if req.Host != "" && req.Host != req.URL.Host {
		names, values = append(names, "Host"), append(values, req.Host)
	}
	for _, n := range sortedKeys(req.Header) {
		for _, v := range req.Header[n] {
			names, values = append(names, n), append(values, v)
		}
	}
	hs, free := cHeaderArray(names, values)
	defer free()
	var bodyPtr *C.uint8_t
	if len(body) > 0 {
		bodyPtr = (*C.uint8_t)(unsafe.Pointer(&body[0]))
	}
	u := req.URL.String()
	var out *C.presigner_signed
	err = call(func() C.presigner_status {
		m, ml := cs(req.Method)
		us, ul := cs(u)
		return C.presigner_sign_request(m, ml, us, ul, hs, C.size_t(len(names)), bodyPtr, C.size_t(len(body)), cp, ph, &out)
	})
	runtime.KeepAlive(body)
	runtime.KeepAlive(u)
	runtime.KeepAlive(creds)
	if err != nil {
		return nil, err
	}
	defer C.presigner_signed_free(out)
	r := &SignedRequest{Headers: http.Header{}}
	var n C.size_t
	C.presigner_signed_header_count(out, &n)
	for i := 0; i < int(n); i++ {
		var h C.presigner_header
		C.presigner_signed_header(out, C.size_t(i), &h)
		r.Headers.Add(gostr(h.name), gostr(h.value))
	}
	C.presigner_signed_signed_header_count(out, &n)
	for i := 0; i < int(n); i++ {
		var s C.presigner_str
		C.presigner_signed_signed_header(out, C.size_t(i), &s)
		r.SignedHeaders = append(r.SignedHeaders, gostr(s))
	}
	var s C.presigner_str
	C.presigner_signed_signature(out, &s)
	r.Signature = gostr(s)
	C.presigner_signed_authorization(out, &s)
	r.Authorization = gostr(s)
	C.presigner_signed_canonical_request(out, &s)
	r.CanonicalRequest = gostr(s)
	C.presigner_signed_string_to_sign(out, &s)
	r.StringToSign = gostr(s)
	var at C.int64_t
	C.presigner_signed_signed_at(out, &at)
	r.SignedAt = time.Unix(int64(at), 0).UTC()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	for k, vs := range r.Headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	return r, nil
}

func cHeaderArray(names, values []string) (*C.presigner_header, func()) {
	if len(names) == 0 {
		return nil, func() {}
	}
	all := make([]string, 0, 2*len(names))
	for i := range names {
		all = append(all, names[i], values[i])
	}
	strs, free := cStrArray(all)
	views := unsafe.Slice(strs, len(all))
	arr := (*C.presigner_header)(C.malloc(C.size_t(len(names)) * C.size_t(unsafe.Sizeof(C.presigner_header{}))))
	hs := unsafe.Slice(arr, len(names))
	for i := range names {
		hs[i] = C.presigner_header{name: views[2*i], value: views[2*i+1]}
	}
	return arr, func() { C.free(unsafe.Pointer(arr)); free() }
}

// debugPanic exercises the PANIC status (tests only).
func debugPanic() error {
	return call(func() C.presigner_status { return C.presigner_debug_panic() })
}

// statusError builds the error of a raw status value (tests only).
func statusError(st int) error { return newError(C.presigner_status(st), "") }
