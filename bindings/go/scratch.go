package presigner

/*
#include "presigner.h"
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"net/textproto"
	"runtime"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// The per-call C traffic of Presign, PresignGet, PresignMany and PresignURL is O(1) C calls:
// options go to the library packed into one pointer-free buffer
// (presigner_presign_options_new_packed, or with the request itself in
// presigner_s3_presign_packed_fields_into), a URL comes back written into a reused buffer
// (presigner_s3_presign_url_into), and a full result is serialized into a reused buffer
// (presigner_s3_presign_packed_fields_into, or presigner_presigned_fields_into for a result handle),
// copied into one Go allocation and sliced into the result's strings. cgo pointer rules: everything handed to C is either C memory or Go memory
// without Go pointers (byte and size_t slices, or a single non-pointer field of scratch).

// scratch is the reusable working memory of one call, kept in a sync.Pool. It never holds C
// handles between calls (so the pool dropping it leaks nothing).
type scratch struct {
	n         C.size_t                     // out: a length written by the library
	opts      *C.presigner_presign_options // out of new_packed (freed by the caller)
	presigned *C.presigner_presigned       // out of s3_presign (freed by takePresigned)
	buf       []byte                       // URL or serialized result
	data      []byte                       // packed option strings
	lens      []C.size_t                   // their lengths
	keys      []string                     // sorted map keys
}

const (
	scratchBuf    = 2048     // covers a URL or the full result of a typical request
	scratchMaxBuf = 64 << 10 // larger buffers are not kept in the pool
)

var scratchPool = sync.Pool{New: func() any { return &scratch{buf: make([]byte, scratchBuf)} }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.buf) > scratchMaxBuf || cap(sc.data) > scratchMaxBuf {
		return
	}
	sc.opts, sc.presigned = nil, nil
	clear(sc.keys[:cap(sc.keys)]) // drop references to the caller's strings
	sc.keys = sc.keys[:0]
	scratchPool.Put(sc)
}

func (sc *scratch) bufPtr() *C.char {
	if len(sc.buf) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&sc.buf[0]))
}

func (sc *scratch) grow(n int) { sc.buf = make([]byte, n) }

// statusErr turns a status into an error, reading the failure message; call it on the OS thread
// of the C call (between runtime.LockOSThread and UnlockOSThread).
func statusErr(st C.presigner_status) error {
	if st == C.PRESIGNER_STATUS_OK {
		return nil
	}
	return newError(st, lastErrorMessage())
}

func (sc *scratch) add(s string) {
	sc.data = append(sc.data, s...)
	sc.lens = append(sc.lens, C.size_t(len(s)))
}

func (sc *scratch) sortedKeys(m map[string][]string) []string {
	sc.keys = sc.keys[:0]
	for k := range m {
		sc.keys = append(sc.keys, k)
	}
	slices.Sort(sc.keys)
	return sc.keys
}

// pack writes the options' strings into sc.data and their lengths into sc.lens in the layout of
// presigner_presign_options_new_packed: the headers and query parameters (names sorted, so
// that the first invalid one is always the one reported; values in order), then the version id
// and the response overrides. It returns the header and query pair counts.
func (sc *scratch) pack(o *PresignOptions) (hc, qc int) {
	sc.data, sc.lens = sc.data[:0], sc.lens[:0]
	for _, name := range sc.sortedKeys(o.Headers) {
		for _, v := range o.Headers[name] {
			sc.add(name)
			sc.add(v)
			hc++
		}
	}
	for _, name := range sc.sortedKeys(o.Query) {
		for _, v := range o.Query[name] {
			sc.add(name)
			sc.add(v)
			qc++
		}
	}
	r := &o.Response
	for _, v := range [...]string{o.VersionID, r.ContentType, r.ContentDisposition, r.ContentLanguage,
		r.ContentEncoding, r.CacheControl, r.Expires} {
		sc.add(v) // "" leaves the field unset
	}
	return hc, qc
}

func (sc *scratch) dataPtr() *C.char {
	if len(sc.data) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&sc.data[0]))
}

// buildOptions makes a C options handle in one C call (free it with
// C.presigner_presign_options_free) from the options packed by pack.
func (sc *scratch) buildOptions(o *PresignOptions) (*C.presigner_presign_options, error) {
	hc, qc := sc.pack(o)
	runtime.LockOSThread()
	err := statusErr(C.presigner_presign_options_new_packed(C.int64_t(expiresSeconds(o.ExpiresIn)),
		C.bool(!o.Now.IsZero()), C.int64_t(o.Now.Unix()), sc.dataPtr(), C.size_t(len(sc.data)),
		&sc.lens[0], C.size_t(len(sc.lens)), C.size_t(hc), C.size_t(qc), &sc.opts))
	runtime.UnlockOSThread()
	if err != nil {
		return nil, err
	}
	h := sc.opts
	sc.opts = nil
	return h, nil
}

// takePresigned reads sc.presigned with readPresigned and frees it.
func (sc *scratch) takePresigned() (*PresignedRequest, error) {
	p := sc.presigned
	sc.presigned = nil
	defer C.presigner_presigned_free(p)
	return sc.readPresigned(p)
}

// readPresigned serializes every field of p in one C call (two when the reused buffer is too
// small), copies the bytes into one Go allocation and slices the strings out of it.
func (sc *scratch) readPresigned(p *C.presigner_presigned) (*PresignedRequest, error) {
	var err error
	for {
		runtime.LockOSThread()
		st := C.presigner_presigned_fields_into(p, sc.bufPtr(), C.size_t(len(sc.buf)), &sc.n)
		if st == C.PRESIGNER_STATUS_BUFFER_TOO_SMALL && int(sc.n) > len(sc.buf) {
			runtime.UnlockOSThread()
			sc.grow(int(sc.n))
			continue
		}
		err = statusErr(st)
		runtime.UnlockOSThread()
		break
	}
	if err != nil {
		return nil, err
	}
	return parseFields(bytes.Clone(sc.buf[:sc.n]))
}

// parseFields decodes the layout of presigner_presigned_fields_into (include/presigner.h).
// The strings of the result share data, which must not be modified afterwards.
func parseFields(data []byte) (*PresignedRequest, error) {
	const fixed = C.PRESIGNER_PRESIGNED_FIELDS_WORDS
	bad := func() (*PresignedRequest, error) {
		return nil, newError(C.PRESIGNER_STATUS_UNKNOWN_ERROR, "malformed serialized result")
	}
	if len(data) < 8*fixed {
		return bad()
	}
	word := func(i int) uint64 { return binary.LittleEndian.Uint64(data[8*i:]) }
	hc, shc := word(2), word(3)
	if hc > uint64(len(data))/16 || shc > uint64(len(data))/8 {
		return bad()
	}
	words := fixed + 2*int(hc) + int(shc)
	if len(data) < 8*words {
		return bad()
	}
	w, off := 4, 8*words
	next := func() (string, bool) {
		l := word(w)
		w++
		if l > uint64(len(data)-off) {
			return "", false
		}
		n := int(l)
		if n == 0 {
			return "", true
		}
		s := unsafe.String(&data[off], n)
		off += n
		return s, true
	}
	var str [5]string
	for i := range str {
		var ok bool
		if str[i], ok = next(); !ok {
			return bad()
		}
	}
	r := &PresignedRequest{
		URL:              str[0],
		Method:           str[1],
		Signature:        str[2],
		CanonicalRequest: str[3],
		StringToSign:     str[4],
		SignedAt:         time.Unix(int64(word(0)), 0).UTC(),
		ExpiresAt:        time.Unix(int64(word(1)), 0).UTC(),
		Headers:          make(http.Header, int(hc)),
	}
	// one allocation for the header values and the signed header names
	all := make([]string, int(hc)+int(shc))
	values := all[:hc:hc]
	r.SignedHeaders = all[hc:]
	for i := range values {
		name, ok1 := next()
		value, ok2 := next()
		if !ok1 || !ok2 {
			return bad()
		}
		// as http.Header.Add: canonical key, values appended in order
		k := textproto.CanonicalMIMEHeaderKey(name)
		if old, dup := r.Headers[k]; dup {
			r.Headers[k] = append(old, value)
			continue
		}
		values[i] = value
		r.Headers[k] = values[i : i+1 : i+1]
	}
	for i := range r.SignedHeaders {
		var ok bool
		if r.SignedHeaders[i], ok = next(); !ok {
			return bad()
		}
	}
	if off != len(data) {
		return bad()
	}
	return r, nil
}
