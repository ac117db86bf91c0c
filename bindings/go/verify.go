package presigner

/*
#include <stdlib.h>
#include "presigner.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ---- lookups -----------------------------------------------------------------------------

// Lookup finds the secret (and the session token a request must then carry) of an access key
// id. Build one with NewKeyring / KeyringFromMap (held by the C library, the fast path) or
// LookupFunc (any Go function: a database, a cache).
type Lookup interface {
	// keyring returns a C keyring able to answer for the request's access key id, and a
	// function to release it.
	keyring(accessKeyID string) (*C.presigner_keyring, func(), error)
}

// Keyring is a Lookup held by the C library: access key id → secret (and optional session
// token). Safe for concurrent verification; Add must not race with it. Close when done (a
// finalizer frees it otherwise).
type Keyring struct {
	mu sync.RWMutex
	p  *C.presigner_keyring
}

// NewKeyring makes a keyring holding copies of creds (each under its own access key id; a
// session token, when present, is then required of requests; expiries are not checked).
func NewKeyring(creds ...*Credentials) (*Keyring, error) {
	var p *C.presigner_keyring
	if err := call(func() C.presigner_status { return C.presigner_keyring_new(&p) }); err != nil {
		return nil, err
	}
	k := &Keyring{p: p}
	runtime.SetFinalizer(k, (*Keyring).Close)
	for _, c := range creds {
		if err := k.AddCredentials(c); err != nil {
			k.Close()
			return nil, err
		}
	}
	return k, nil
}

// KeyringFromMap makes a keyring from access key id → credentials; each map key must be its
// credentials' access key id.
func KeyringFromMap(m map[string]*Credentials) (*Keyring, error) {
	k, err := NewKeyring()
	if err != nil {
		return nil, err
	}
	for _, id := range sortedKeys(m) {
		c := m[id]
		if got := c.AccessKeyID(); c != nil && got != id {
			k.Close()
			return nil, &Error{Code: "invalid_credentials", Status: int(C.PRESIGNER_STATUS_INVALID_CREDENTIALS),
				Message: fmt.Sprintf("keyring: map key %q is not the credentials' access key id %q", id, got), kind: ErrInvalidCredentials}
		}
		if err := k.AddCredentials(c); err != nil {
			k.Close()
			return nil, err
		}
	}
	return k, nil
}

// Add adds (or replaces) a secret; sessionToken "" means none is required.
func (k *Keyring) Add(accessKeyID, secretAccessKey, sessionToken string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p == nil {
		return fmt.Errorf("presigner: Keyring: %w", ErrClosed)
	}
	err := call(func() C.presigner_status {
		a, al := cs(accessKeyID)
		s, sl := cs(secretAccessKey)
		t, tl := ocs(sessionToken)
		return C.presigner_keyring_add(k.p, a, al, s, sl, t, tl)
	})
	runtime.KeepAlive(accessKeyID)
	runtime.KeepAlive(secretAccessKey)
	runtime.KeepAlive(sessionToken)
	return err
}

// AddCredentials adds (or replaces) a copy of creds under its access key id.
func (k *Keyring) AddCredentials(creds *Credentials) error {
	cp, err := creds.handle()
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p == nil {
		return fmt.Errorf("presigner: Keyring: %w", ErrClosed)
	}
	err = call(func() C.presigner_status { return C.presigner_keyring_add_credentials(k.p, cp) })
	runtime.KeepAlive(creds)
	return err
}

// Len is the number of access key ids held.
func (k *Keyring) Len() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if k.p == nil {
		return 0
	}
	var n C.size_t
	C.presigner_keyring_count(k.p, &n)
	return int(n)
}

// Close frees the keyring. Safe to call more than once.
func (k *Keyring) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p != nil {
		C.presigner_keyring_free(k.p)
		k.p = nil
	}
	runtime.SetFinalizer(k, nil)
	return nil
}

func (k *Keyring) keyring(string) (*C.presigner_keyring, func(), error) {
	if k == nil {
		return nil, nil, &Error{Code: "null_argument", Status: int(C.PRESIGNER_STATUS_NULL_ARGUMENT), Message: "keyring is nil", kind: ErrNullArgument}
	}
	k.mu.RLock()
	if k.p == nil {
		k.mu.RUnlock()
		return nil, nil, fmt.Errorf("presigner: Keyring: %w", ErrClosed)
	}
	return k.p, k.mu.RUnlock, nil
}

// LookupFunc is a Lookup backed by a Go function: it returns the credentials of an access
// key id, or nil when the id is unknown (→ ErrUnknownAccessKey). It may be called from many
// goroutines at once. The returned credentials are copied, not closed.
type LookupFunc func(accessKeyID string) *Credentials

func (f LookupFunc) keyring(accessKeyID string) (*C.presigner_keyring, func(), error) {
	k, err := NewKeyring()
	if err != nil {
		return nil, nil, err
	}
	if accessKeyID != "" {
		if c := f(accessKeyID); c != nil {
			if err := k.AddCredentials(c); err != nil {
				k.Close()
				return nil, nil, err
			}
		}
	}
	return k.p, func() { k.Close() }, nil
}

// ---- options and results -----------------------------------------------------------------

// VerifyOptions say what to expect of a request besides a valid signature. The zero value
// means: the system clock, any region and service, 15 minutes of clock skew, the
// canonicalization preset of the scope's service.
type VerifyOptions struct {
	Now      time.Time        // zero: the system clock
	Region   string           // "" accepts any (else ErrScopeMismatch)
	Service  string           // "" accepts any (else ErrScopeMismatch)
	MaxSkew  time.Duration    // how far X-Amz-Date may lie in the future; 0 means 15 minutes
	Settings *SigningSettings // nil: S3Settings for "s3" scopes, GenericSettings otherwise
}

// Verified is what a verified request says: who signed it, for what, and until when.
type Verified struct {
	AccessKeyID   string
	Region        string
	Service       string
	SignedHeaders []string // lower-case, sorted
	SignedAt      time.Time
	ExpiresAt     time.Time // presigned: X-Amz-Date + X-Amz-Expires; header auth: + MaxSkew
}

func buildVerifyOptions(o *VerifyOptions) (*C.presigner_verify_options, error) {
	var h *C.presigner_verify_options
	if err := call(func() C.presigner_status { return C.presigner_verify_options_new(&h) }); err != nil {
		return nil, err
	}
	steps := []func() C.presigner_status{}
	if !o.Now.IsZero() {
		steps = append(steps, func() C.presigner_status { return C.presigner_verify_options_set_now(h, C.int64_t(o.Now.Unix())) })
	}
	if o.Region != "" {
		steps = append(steps, func() C.presigner_status {
			v, l := cs(o.Region)
			return C.presigner_verify_options_set_region(h, v, l)
		})
	}
	if o.Service != "" {
		steps = append(steps, func() C.presigner_status {
			v, l := cs(o.Service)
			return C.presigner_verify_options_set_service(h, v, l)
		})
	}
	if o.MaxSkew != 0 {
		secs := int64(o.MaxSkew / time.Second)
		if o.MaxSkew < 0 {
			secs = -1 // rejected as invalid_option
		}
		steps = append(steps, func() C.presigner_status { return C.presigner_verify_options_set_max_skew(h, C.int64_t(secs)) })
	}
	for _, f := range steps {
		if err := call(f); err != nil {
			C.presigner_verify_options_free(h)
			return nil, err
		}
	}
	if o.Settings != nil {
		ph, err := buildParams("us-east-1", "s3", time.Time{}, o.Settings, "")
		if err != nil {
			C.presigner_verify_options_free(h)
			return nil, err
		}
		err = call(func() C.presigner_status { return C.presigner_verify_options_set_settings(h, ph) })
		C.presigner_signing_params_free(ph)
		if err != nil {
			C.presigner_verify_options_free(h)
			return nil, err
		}
	}
	runtime.KeepAlive(o)
	return h, nil
}

func readVerified(p *C.presigner_verified) *Verified {
	var s C.presigner_str
	v := &Verified{}
	C.presigner_verified_access_key_id(p, &s)
	v.AccessKeyID = gostr(s)
	C.presigner_verified_region(p, &s)
	v.Region = gostr(s)
	C.presigner_verified_service(p, &s)
	v.Service = gostr(s)
	var n C.size_t
	C.presigner_verified_signed_header_count(p, &n)
	v.SignedHeaders = make([]string, int(n))
	for i := range v.SignedHeaders {
		C.presigner_verified_signed_header(p, C.size_t(i), &s)
		v.SignedHeaders[i] = gostr(s)
	}
	var t C.int64_t
	C.presigner_verified_signed_at(p, &t)
	v.SignedAt = time.Unix(int64(t), 0).UTC()
	C.presigner_verified_expires_at(p, &t)
	v.ExpiresAt = time.Unix(int64(t), 0).UTC()
	return v
}

// ---- verification ------------------------------------------------------------------------

// requestURL is the URL as the client sent it: scheme, the Host, and the request target
// byte for byte (r.RequestURI on a server; r.URL's escaped form on a client request).
func requestURL(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	scheme := "http"
	if r.TLS != nil || r.URL.Scheme == "https" {
		scheme = "https"
	}
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	} else if !strings.HasPrefix(target, "/") {
		if u, err := url.Parse(target); err == nil && u.Host != "" { // absolute-form (proxies)
			target = u.RequestURI()
		}
	}
	return scheme + "://" + host + target
}

// requestHeaders lists r's headers with Host first (Go keeps it out of r.Header).
func requestHeaders(r *http.Request) (names, values []string) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	names, values = append(names, "Host"), append(values, host)
	for _, n := range sortedKeys(r.Header) {
		if strings.EqualFold(n, "Host") {
			continue
		}
		for _, v := range r.Header[n] {
			names, values = append(names, n), append(values, v)
		}
	}
	return names, values
}

// accessKeyIDOf extracts the access key id the request claims (for LookupFunc); "" if none.
func accessKeyIDOf(r *http.Request, presigned bool) string {
	var cred string
	if presigned {
		_, query, _ := strings.Cut(requestURL(r), "?")
		q, _ := url.ParseQuery(query) // keeps the well-formed pairs
		cred = q.Get("X-Amz-Credential")
	} else {
		a := r.Header.Get("Authorization")
		if i := strings.Index(a, "Credential="); i >= 0 {
			cred = a[i+len("Credential="):]
		}
	}
	id, _, _ := strings.Cut(cred, "/")
	return id
}

func verify(r *http.Request, presigned bool, payloadHash string, lookup Lookup, opts VerifyOptions) (*Verified, error) {
	if r == nil || r.URL == nil || lookup == nil {
		return nil, &Error{Code: "null_argument", Status: int(C.PRESIGNER_STATUS_NULL_ARGUMENT), Message: "request and lookup must not be nil", kind: ErrNullArgument}
	}
	kp, release, err := lookup.keyring(accessKeyIDOf(r, presigned))
	if err != nil {
		return nil, err
	}
	defer release()
	oh, err := buildVerifyOptions(&opts)
	if err != nil {
		return nil, err
	}
	defer C.presigner_verify_options_free(oh)
	names, values := requestHeaders(r)
	hs, free := cHeaderArray(names, values)
	defer free()
	u := requestURL(r)
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	var out *C.presigner_verified
	err = call(func() C.presigner_status {
		m, ml := cs(method)
		us, ul := cs(u)
		if presigned {
			return C.presigner_verify_presigned(m, ml, us, ul, hs, C.size_t(len(names)), kp, oh, &out)
		}
		ph, pl := ocs(payloadHash)
		return C.presigner_verify_request(m, ml, us, ul, hs, C.size_t(len(names)), ph, pl, kp, oh, &out)
	})
	runtime.KeepAlive(method)
	runtime.KeepAlive(u)
	runtime.KeepAlive(payloadHash)
	runtime.KeepAlive(lookup)
	if err != nil {
		return nil, err
	}
	defer C.presigner_verified_free(out)
	return readVerified(out), nil
}

// VerifyPresigned checks the SigV4 presigned URL of a request received by a server (method,
// Host, r.RequestURI as sent, headers). Every failed check wraps its own sentinel
// (ErrSignatureMismatch, ErrRequestExpired, ErrUnknownAccessKey, …); answer them all with 403.
// It also works on a client-side *http.Request built from a presigned URL.
func VerifyPresigned(r *http.Request, lookup Lookup, opts VerifyOptions) (*Verified, error) {
	return verify(r, true, "", lookup, opts)
}

// VerifyRequest checks a request signed with an Authorization header. payloadHash is the hex
// SHA-256 of the body the server received (or "UNSIGNED-PAYLOAD"); "" uses the request's
// x-amz-content-sha256 header. The body is not read.
func VerifyRequest(r *http.Request, payloadHash string, lookup Lookup, opts VerifyOptions) (*Verified, error) {
	return verify(r, false, payloadHash, lookup, opts)
}

// IsVerificationFailure reports whether err says the request is not validly signed (as
// opposed to a misuse of the API): a server answers these with 403.
func IsVerificationFailure(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return (e.Status >= 18 && e.Status <= 28) || e.kind == ErrInvalidExpiry || e.kind == ErrInvalidURL ||
		e.kind == ErrInvalidUTF8
}

type verifiedKey struct{}

// VerifiedFromContext returns what RequirePresigned verified for this request.
func VerifiedFromContext(ctx context.Context) (*Verified, bool) {
	v, ok := ctx.Value(verifiedKey{}).(*Verified)
	return v, ok
}

// RequirePresigned is net/http middleware: it serves next only for requests whose presigned
// URL verifies (the result is in the context, see VerifiedFromContext) and answers every other
// request 403 Forbidden with the failure's code as the body.
func RequirePresigned(lookup Lookup, opts VerifyOptions, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := VerifyPresigned(r, lookup, opts)
		if err != nil {
			code := "forbidden"
			var e *Error
			if errors.As(err, &e) {
				code = e.Code
			}
			http.Error(w, code, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), verifiedKey{}, v)))
	})
}
