//go:build linux && amd64 && !presigner_system

package presigner

// Links the static library built in this repository by
// `cargo build --release -p presigner-ffi` (target/release/libpresigner_ffi.a).
// Build with `-tags presigner_system` to link an installed library instead (link_system.go).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: ${SRCDIR}/../../target/release/libpresigner_ffi.a -lm -ldl -lpthread
*/
import "C"
