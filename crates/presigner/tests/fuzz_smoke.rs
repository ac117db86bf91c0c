//! The fuzz targets' bodies on stable, over random bytes and over mutations of valid inputs
//! (`make fuzz` runs them under libFuzzer for longer).

use proptest::prelude::*;

const VALID_VERIFY: &str = "GET\0https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=9fc4bb7ccc6f4b1dfa2fe8ef1dd0cb3e8a3e8e1b5e2b7bd7e7f0e8a3cf0a8e13\0Host:example.amazonaws.com\0Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\0X-Amz-Date:20150830T123600Z";
const VALID_SIGN: &str = "PUT\0my-bucket\0a/../b c\0https://sts.amazonaws.com/a/./b?x=1&y\0eu-west-1\0sts\0http://127.0.0.1:9000\0Content-Type\0image/png\0partNumber\x002";

fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    for &(pos, op, byte) in edits {
        let i = pos % (b.len() + 1);
        match op % 3 {
            0 if i < b.len() => b[i] = byte,
            1 => b.insert(i, byte),
            _ if i < b.len() => {
                b.remove(i);
            }
            _ => {}
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn verify_never_panics_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        presigner::fuzzing::verify_bytes(&data);
    }

    #[test]
    fn verify_never_panics_on_mutated_requests(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        presigner::fuzzing::verify_bytes(&mutate(VALID_VERIFY, &edits));
    }

    #[test]
    fn signing_never_panics_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        presigner::fuzzing::sign_bytes(&data);
    }

    #[test]
    fn signing_never_panics_on_mutated_inputs(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        presigner::fuzzing::sign_bytes(&mutate(VALID_SIGN, &edits));
    }
}
