#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| presigner::fuzzing::sign_bytes(data));
