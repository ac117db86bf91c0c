//! Rust-side checks of the ABI's invariants (the behaviour is tested from C in tests/c).

use super::*;
use std::ptr;

#[test]
fn every_core_kind_has_its_own_status_with_the_same_code() {
    let mut seen = std::collections::HashSet::new();
    for kind in ErrorKind::ALL {
        let s = presigner_status::from_kind(*kind);
        assert_ne!(s, presigner_status::UnknownError, "{kind:?} is not mapped");
        assert!(seen.insert(s as u32), "{kind:?} shares a status");
        assert_eq!(s.code(), kind.code());
        assert!((1..100).contains(&(s as u32)));
    }
    // Core kinds keep the order of ErrorKind::ALL: value = position + 1.
    for (i, kind) in ErrorKind::ALL.iter().enumerate() {
        assert_eq!(
            presigner_status::from_kind(*kind) as usize,
            i + 1,
            "{kind:?}"
        );
    }
    // A new core kind must get a new, never reused, status value here.
    assert_eq!(ErrorKind::ALL.len(), 28);
}

#[test]
fn status_values_are_fixed() {
    let expected: &[(presigner_status, u32)] = &[
        (presigner_status::Ok, 0),
        (presigner_status::InvalidExpiry, 1),
        (presigner_status::CredentialsExpireBeforeUrl, 17),
        (presigner_status::UnsupportedAlgorithm, 18),
        (presigner_status::MalformedRequest, 19),
        (presigner_status::InvalidCredentialScope, 20),
        (presigner_status::ScopeMismatch, 21),
        (presigner_status::DuplicateParameter, 22),
        (presigner_status::MissingSignedHeader, 23),
        (presigner_status::UnknownAccessKey, 24),
        (presigner_status::InvalidSessionToken, 25),
        (presigner_status::RequestExpired, 26),
        (presigner_status::RequestNotYetValid, 27),
        (presigner_status::SignatureMismatch, 28),
        (presigner_status::NullArgument, 100),
        (presigner_status::InvalidUtf8, 101),
        (presigner_status::Panic, 102),
        (presigner_status::BufferTooSmall, 103),
        (presigner_status::IndexOutOfRange, 104),
        (presigner_status::UnknownError, 199),
    ];
    for (s, v) in expected {
        assert_eq!(*s as u32, *v);
    }
    let mut values: Vec<u32> = presigner_status::all().iter().map(|s| *s as u32).collect();
    let n = values.len();
    values.dedup();
    assert_eq!(values.len(), n);
    assert!(values.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn status_str_is_nul_terminated_and_total() {
    for s in presigner_status::all() {
        let p = presigner_status_str(*s as u32);
        let c = unsafe { std::ffi::CStr::from_ptr(p) };
        assert_eq!(c.to_str().unwrap(), s.code());
    }
    let c = unsafe { std::ffi::CStr::from_ptr(presigner_status_str(12345)) };
    assert_eq!(c.to_str().unwrap(), "unknown_status");
}

fn last_error() -> String {
    let mut buf = vec![0 as c_char; presigner_last_error_length() + 1];
    let mut n = 0usize;
    let st = unsafe { presigner_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) };
    assert_eq!(st, presigner_status::Ok);
    let bytes: Vec<u8> = buf[..n].iter().map(|b| *b as u8).collect();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn doc_example_through_the_abi() {
    let akid = "AKIAIOSFODNN7EXAMPLE";
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    unsafe {
        let mut creds = ptr::null_mut();
        assert_eq!(
            presigner_credentials_new(
                akid.as_ptr().cast(),
                akid.len(),
                secret.as_ptr().cast(),
                secret.len(),
                ptr::null(),
                0,
                ptr::null(),
                &mut creds
            ),
            presigner_status::Ok
        );
        let mut s3 = ptr::null_mut();
        assert_eq!(
            presigner_s3_new("us-east-1".as_ptr().cast(), 9, creds, ptr::null(), &mut s3),
            presigner_status::Ok
        );
        presigner_credentials_free(creds);
        let mut opts = ptr::null_mut();
        assert_eq!(
            presigner_presign_options_new(&mut opts),
            presigner_status::Ok
        );
        presigner_presign_options_set_expires_in(opts, 86400);
        presigner_presign_options_set_now(opts, 1369353600);
        let mut out = ptr::null_mut();
        let st = presigner_s3_presign(
            s3,
            "GET".as_ptr().cast(),
            3,
            "examplebucket".as_ptr().cast(),
            13,
            "test.txt".as_ptr().cast(),
            8,
            opts,
            &mut out,
        );
        assert_eq!(st, presigner_status::Ok);
        let mut sig = presigner_str {
            data: ptr::null(),
            len: 0,
        };
        presigner_presigned_signature(out, &mut sig);
        let sig = std::str::from_utf8(std::slice::from_raw_parts(sig.data.cast(), sig.len));
        assert_eq!(
            sig.unwrap(),
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        presigner_presigned_free(out);

        // outputs untouched on failure; message recorded
        let sentinel = std::ptr::dangling_mut::<presigner_presigned>();
        let mut out = sentinel;
        presigner_presign_options_set_expires_in(opts, 0);
        let st = presigner_s3_presign(
            s3,
            "GET".as_ptr().cast(),
            3,
            "examplebucket".as_ptr().cast(),
            13,
            "k".as_ptr().cast(),
            1,
            opts,
            &mut out,
        );
        assert_eq!(st, presigner_status::InvalidExpiry);
        assert_eq!(out, sentinel);
        assert!(last_error().contains("expires_in"));
        presigner_presign_options_free(opts);
        presigner_s3_free(s3);
    }
}

#[test]
fn panics_are_caught() {
    assert_eq!(presigner_debug_panic(), presigner_status::Panic);
    assert!(last_error().contains("panic"));
}

#[test]
fn free_null_is_a_noop() {
    unsafe {
        presigner_credentials_free(ptr::null_mut());
        presigner_s3_options_free(ptr::null_mut());
        presigner_s3_free(ptr::null_mut());
        presigner_presign_options_free(ptr::null_mut());
        presigner_signing_params_free(ptr::null_mut());
        presigner_presigned_free(ptr::null_mut());
        presigner_signed_free(ptr::null_mut());
        presigner_url_list_free(ptr::null_mut());
        presigner_keyring_free(ptr::null_mut());
        presigner_verify_options_free(ptr::null_mut());
        presigner_verified_free(ptr::null_mut());
    }
}
