//! JS ⇄ Rust conversions that napi-rs has no ready-made type for: header/query pairs (an object
//! or an array of `[name, value]`), times (a `Date` or epoch seconds) and `Date` results.
//!
//! Conversion failures use napi's `InvalidArg`-family statuses; the JS loader turns those into
//! `TypeError`s. Values of the right type but out of range are left to the core, whose errors
//! carry the stable codes.

use std::ptr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue};
use napi::{check_status, sys, Error, Result, Status, ValueType};

unsafe fn type_of(env: sys::napi_env, v: sys::napi_value) -> Result<ValueType> {
    let mut t = 0;
    check_status!(unsafe { sys::napi_typeof(env, v, &mut t) })?;
    Ok(ValueType::from(t))
}

unsafe fn string_of(env: sys::napi_env, v: sys::napi_value, what: &str) -> Result<String> {
    if unsafe { type_of(env, v)? } != ValueType::String {
        return Err(Error::new(
            Status::StringExpected,
            format!("{what} must be a string"),
        ));
    }
    unsafe { String::from_napi_value(env, v) }
}

/// `Record<string, string>` or `Array<[string, string]>`, in the caller's order.
#[derive(Debug, Default, Clone)]
pub struct Pairs(pub Vec<(String, String)>);

impl TypeName for Pairs {
    fn type_name() -> &'static str {
        "Record<string, string> | Array<[string, string]>"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Pairs {}

impl FromNapiValue for Pairs {
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> Result<Self> {
        if unsafe { type_of(env, v)? } != ValueType::Object {
            return Err(Error::new(
                Status::ObjectExpected,
                "expected an object of string values or an array of [name, value] pairs".to_owned(),
            ));
        }
        let mut is_array = false;
        check_status!(unsafe { sys::napi_is_array(env, v, &mut is_array) })?;
        let mut out = Vec::new();
        if is_array {
            let mut len = 0u32;
            check_status!(unsafe { sys::napi_get_array_length(env, v, &mut len) })?;
            out.reserve(len as usize);
            for i in 0..len {
                let mut pair = ptr::null_mut();
                check_status!(unsafe { sys::napi_get_element(env, v, i, &mut pair) })?;
                let mut pair_is_array = false;
                check_status!(unsafe { sys::napi_is_array(env, pair, &mut pair_is_array) })?;
                let mut pair_len = 0u32;
                if pair_is_array {
                    check_status!(unsafe { sys::napi_get_array_length(env, pair, &mut pair_len) })?;
                }
                if !pair_is_array || pair_len != 2 {
                    return Err(Error::new(
                        Status::ArrayExpected,
                        format!("element {i} must be a [name, value] array of two strings"),
                    ));
                }
                let mut n = ptr::null_mut();
                let mut val = ptr::null_mut();
                check_status!(unsafe { sys::napi_get_element(env, pair, 0, &mut n) })?;
                check_status!(unsafe { sys::napi_get_element(env, pair, 1, &mut val) })?;
                let name = unsafe { string_of(env, n, &format!("element {i}'s name"))? };
                let value = unsafe { string_of(env, val, &format!("the value of {name:?}"))? };
                out.push((name, value));
            }
        } else {
            let mut names = ptr::null_mut();
            check_status!(unsafe { sys::napi_get_property_names(env, v, &mut names) })?;
            let mut len = 0u32;
            check_status!(unsafe { sys::napi_get_array_length(env, names, &mut len) })?;
            out.reserve(len as usize);
            for i in 0..len {
                let mut key = ptr::null_mut();
                check_status!(unsafe { sys::napi_get_element(env, names, i, &mut key) })?;
                let mut val = ptr::null_mut();
                check_status!(unsafe { sys::napi_get_property(env, v, key, &mut val) })?;
                // Integer-like keys come back as numbers: coerce the key, never the value.
                let mut key_str = ptr::null_mut();
                check_status!(unsafe { sys::napi_coerce_to_string(env, key, &mut key_str) })?;
                let name = unsafe { String::from_napi_value(env, key_str)? };
                if unsafe { type_of(env, val)? } == ValueType::Undefined {
                    continue;
                }
                let value = unsafe { string_of(env, val, &format!("the value of {name:?}"))? };
                out.push((name, value));
            }
        }
        Ok(Pairs(out))
    }
}

/// A time given as a `Date` or as seconds since the Unix epoch (fractions are dropped).
#[derive(Debug, Clone, Copy)]
pub struct Time {
    /// Seconds since the epoch, as given (may be negative, fractional, NaN: checked later).
    pub seconds: f64,
}

impl TypeName for Time {
    fn type_name() -> &'static str {
        "Date | number"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ValidateNapiValue for Time {}

impl FromNapiValue for Time {
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> Result<Self> {
        match unsafe { type_of(env, v)? } {
            ValueType::Number => {
                let mut n = 0f64;
                check_status!(unsafe { sys::napi_get_value_double(env, v, &mut n) })?;
                Ok(Time { seconds: n })
            }
            ValueType::Object => {
                let mut is_date = false;
                check_status!(unsafe { sys::napi_is_date(env, v, &mut is_date) })?;
                if !is_date {
                    return Err(Error::new(
                        Status::DateExpected,
                        "expected a Date or a number of seconds since 1970-01-01T00:00:00Z"
                            .to_owned(),
                    ));
                }
                let mut ms = 0f64;
                check_status!(unsafe { sys::napi_get_date_value(env, v, &mut ms) })?;
                Ok(Time {
                    seconds: ms / 1000.0,
                })
            }
            _ => Err(Error::new(
                Status::DateExpected,
                "expected a Date or a number of seconds since 1970-01-01T00:00:00Z".to_owned(),
            )),
        }
    }
}

impl Time {
    /// The time as a `SystemTime`, or the core's `invalid_time` error naming `field`.
    pub fn to_system_time(self, field: &str) -> presigner::Result<SystemTime> {
        let s = self.seconds;
        if !s.is_finite() || !(0.0..=253_402_300_799.0).contains(&s.floor()) {
            return Err(presigner::Error::InvalidTime {
                value: format!("{s}"),
                reason: format!(
                    "{field} must be a valid Date or seconds between 0 and 253402300799 (1970..9999)"
                ),
            });
        }
        Ok(UNIX_EPOCH + Duration::from_secs(s.floor() as u64))
    }
}

/// A `Date` result.
#[derive(Debug, Clone, Copy)]
pub struct DateOut(pub SystemTime);

impl TypeName for DateOut {
    fn type_name() -> &'static str {
        "Date"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for DateOut {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        check_status!(unsafe { sys::napi_create_date(env, epoch_ms(val.0), &mut out) })?;
        Ok(out)
    }
}

/// Repeated header names (any case) joined into the first one's value with `,`, as HTTP allows.
pub fn merge_headers(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    let repeats = headers
        .iter()
        .enumerate()
        .any(|(i, (n, _))| headers[..i].iter().any(|(m, _)| m.eq_ignore_ascii_case(n)));
    if !repeats {
        return headers;
    }
    let mut merged: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (n, v) in headers {
        match merged.iter_mut().find(|(m, _)| m.eq_ignore_ascii_case(&n)) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            None => merged.push((n, v)),
        }
    }
    merged
}

/// Milliseconds since the epoch of a `Date` result.
pub fn epoch_ms(t: SystemTime) -> f64 {
    let ms = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64() * 1000.0,
        Err(e) => -(e.duration().as_secs_f64() * 1000.0),
    };
    ms.floor()
}

/// Headers as a plain object (repeated names joined with `,`, as HTTP allows).
#[derive(Debug, Clone, Default)]
pub struct HeaderObject(pub Vec<(String, String)>);

impl TypeName for HeaderObject {
    fn type_name() -> &'static str {
        "Record<string, string>"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for HeaderObject {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let mut obj = ptr::null_mut();
        check_status!(unsafe { sys::napi_create_object(env, &mut obj) })?;
        for (n, v) in merge_headers(val.0) {
            let key = unsafe { String::to_napi_value(env, n)? };
            let value = unsafe { String::to_napi_value(env, v)? };
            check_status!(unsafe { sys::napi_set_property(env, obj, key, value) })?;
        }
        Ok(obj)
    }
}

/// Bytes of UTF-8 a [`Utf8Buf`] holds without allocating: most keys, every bucket and method.
const UTF8_INLINE: usize = 320;

/// A string argument not converted yet: read it with [`Utf8Buf::read`].
#[derive(Clone, Copy)]
pub struct JsText {
    env: sys::napi_env,
    value: sys::napi_value,
}

impl JsText {
    pub fn new(env: sys::napi_env, value: sys::napi_value) -> Self {
        JsText { env, value }
    }
}

impl TypeName for JsText {
    fn type_name() -> &'static str {
        "String"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for JsText {}

impl FromNapiValue for JsText {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(JsText { env, value })
    }
}

/// Stack space for a string argument's UTF-8, filled with one `napi_get_value_string_utf8`
/// call (napi-rs's `String` asks for the length first, then copies into a new allocation).
/// Strings too long for it take that usual route.
pub struct Utf8Buf {
    buf: [std::mem::MaybeUninit<u8>; UTF8_INLINE],
    heap: Option<String>,
}

impl Utf8Buf {
    pub fn new() -> Self {
        Utf8Buf {
            buf: [std::mem::MaybeUninit::uninit(); UTF8_INLINE],
            heap: None,
        }
    }

    /// The UTF-8 of `text` (a string, else a `StringExpected` error).
    pub fn read(&mut self, text: JsText) -> std::result::Result<&str, Error<&'static str>> {
        self.read_inner(text)
            .map_err(|e| Error::new("StringExpected", e.reason.clone()))
    }

    fn read_inner(&mut self, text: JsText) -> Result<&str> {
        let mut n = 0usize;
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                text.env,
                text.value,
                self.buf.as_mut_ptr().cast(),
                UTF8_INLINE,
                &mut n,
            )
        };
        if status == sys::Status::napi_string_expected {
            return Err(Error::new(
                Status::StringExpected,
                "expected a string".to_owned(),
            ));
        }
        check_status!(status)?;
        // Node writes at most `UTF8_INLINE - 1` bytes and never splits a character (at most 4
        // bytes), so a shorter result is the whole string.
        if n + 4 < UTF8_INLINE - 1 {
            // SAFETY: Node-API wrote `n` bytes of UTF-8 (V8 replaces lone surrogates), whole
            // characters only.
            return Ok(unsafe {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                    self.buf.as_ptr().cast::<u8>(),
                    n,
                ))
            });
        }
        let s = unsafe { String::from_napi_value(text.env, text.value)? };
        Ok(self.heap.insert(s))
    }
}

/// A string result: created as Latin-1 (no UTF-8 decoding in V8) when it is ASCII, as a URL
/// always is.
pub struct TextOut {
    pub text: String,
    pub ascii: bool,
}

impl TextOut {
    pub fn new(text: String) -> Self {
        let ascii = text.is_ascii();
        TextOut { text, ascii }
    }
}

impl TypeName for TextOut {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for TextOut {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        unsafe { js_string(env, val.text.as_bytes(), val.ascii) }
    }
}

/// A JS string of UTF-8 `bytes`, created as Latin-1 (a plain copy) when `ascii` says they are.
///
/// # Safety
/// `env` is the current call's environment.
pub unsafe fn js_string(env: sys::napi_env, bytes: &[u8], ascii: bool) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    if ascii {
        check_status!(unsafe {
            sys::napi_create_string_latin1(
                env,
                bytes.as_ptr().cast(),
                bytes.len() as isize,
                &mut out,
            )
        })?;
    } else {
        check_status!(unsafe {
            sys::napi_create_string_utf8(env, bytes.as_ptr().cast(), bytes.len() as isize, &mut out)
        })?;
    }
    Ok(out)
}
