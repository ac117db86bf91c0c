//go:build presigner_system

package presigner

// With `-tags presigner_system`, cgo uses a system-installed library and header:
// presigner.h on the include path (e.g. /usr/local/include) and libpresigner_ffi.so or .a on
// the library path (e.g. /usr/local/lib). Extra locations can be given the usual cgo way:
//   CGO_CFLAGS=-I/opt/presigner/include CGO_LDFLAGS=-L/opt/presigner/lib go build -tags presigner_system

/*
#cgo LDFLAGS: -lpresigner_ffi -lm -ldl -lpthread
*/
import "C"
