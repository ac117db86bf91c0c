//! Signing times: conversion from `SystemTime` to the two compact forms SigV4 uses
//! (`yyyymmdd` for the scope, `yyyymmddThhmmssZ` for `X-Amz-Date`), and RFC 3339 for people.
//!
//! Sub-second precision is dropped (SigV4 has none). Times before 1970 or after 9999 are
//! rejected: they cannot be written in the fixed-width forms.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Error, Result};

/// Latest representable signing time: 9999-12-31T23:59:59Z.
const MAX_UNIX: i64 = 253_402_300_799;

/// A signing time already rendered in the forms the signer needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningTime {
    unix: i64,
    amz: [u8; 16],
}

impl SigningTime {
    /// Converts a `SystemTime`, truncating to whole seconds.
    pub fn from_system_time(t: SystemTime) -> Result<Self> {
        let secs = t
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::time(format!("{t:?}"), "must not be before 1970-01-01T00:00:00Z"))?
            .as_secs();
        Self::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// Converts whole seconds since the Unix epoch.
    pub fn from_unix(unix: i64) -> Result<Self> {
        if !(0..=MAX_UNIX).contains(&unix) {
            return Err(Error::time(
                unix.to_string(),
                "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z (unix 0..=253402300799)",
            ));
        }
        let dt = OffsetDateTime::from_unix_timestamp(unix).expect("range checked above");
        let mut amz = *b"00000000T000000Z";
        put_digits(&mut amz[0..4], dt.year() as u32);
        put_digits(&mut amz[4..6], u8::from(dt.month()) as u32);
        put_digits(&mut amz[6..8], dt.day() as u32);
        put_digits(&mut amz[9..11], dt.hour() as u32);
        put_digits(&mut amz[11..13], dt.minute() as u32);
        put_digits(&mut amz[13..15], dt.second() as u32);
        Ok(SigningTime { unix, amz })
    }

    /// The current time of the system clock.
    pub fn now() -> Result<Self> {
        Self::from_system_time(SystemTime::now())
    }

    /// `yyyymmddThhmmssZ`, the `X-Amz-Date` form.
    pub fn amz_date(&self) -> &str {
        std::str::from_utf8(&self.amz).expect("ascii digits")
    }

    /// `yyyymmdd`, the credential-scope date.
    pub fn date(&self) -> &str {
        &self.amz_date()[..8]
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// Days since the Unix epoch (the signing key changes exactly when this does).
    pub fn day(&self) -> i64 {
        self.unix.div_euclid(86_400)
    }

    pub fn system_time(&self) -> SystemTime {
        unix_to_system_time(self.unix)
    }
}

fn put_digits(out: &mut [u8], mut v: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// Whole seconds since the epoch as a `SystemTime` (callers guarantee `unix >= 0`).
pub fn unix_to_system_time(unix: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64)
}

/// Seconds since the epoch of a `SystemTime` (negative before 1970).
pub fn system_time_to_unix(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Parses an RFC 3339 timestamp such as `2013-05-24T00:00:00Z` or `2024-01-01T10:00:00+02:00`.
pub fn parse_rfc3339(value: &str) -> Result<SystemTime> {
    let dt = OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|e| {
        Error::time(
            value,
            format!("expected an RFC 3339 timestamp like 2013-05-24T00:00:00Z ({e})"),
        )
    })?;
    let unix = dt.unix_timestamp();
    if unix < 0 {
        return Err(Error::time(
            value,
            "must not be before 1970-01-01T00:00:00Z",
        ));
    }
    Ok(unix_to_system_time(unix))
}

/// Formats as RFC 3339 in UTC with a `Z` suffix and whole seconds.
pub fn format_rfc3339(t: SystemTime) -> String {
    format_unix_rfc3339(system_time_to_unix(t))
}

/// Formats whole seconds since the epoch as RFC 3339 in UTC (`1970-01-01T00:00:00Z` form).
pub fn format_unix_rfc3339(unix: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(unix) {
        Ok(dt) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        ),
        Err(_) => format!("unix {unix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_amz_date() {
        let t = SigningTime::from_unix(1_369_353_600).unwrap(); // 2013-05-24T00:00:00Z
        assert_eq!(t.amz_date(), "20130524T000000Z");
        assert_eq!(t.date(), "20130524");
        let t = SigningTime::from_unix(1_440_938_160).unwrap();
        assert_eq!(t.amz_date(), "20150830T123600Z");
    }

    #[test]
    fn rejects_out_of_range() {
        assert!(SigningTime::from_unix(-1).is_err());
        assert!(SigningTime::from_unix(MAX_UNIX + 1).is_err());
        assert_eq!(
            SigningTime::from_unix(MAX_UNIX).unwrap().amz_date(),
            "99991231T235959Z"
        );
    }

    #[test]
    fn rfc3339_round_trip() {
        let t = parse_rfc3339("2013-05-24T02:00:00+02:00").unwrap();
        assert_eq!(format_rfc3339(t), "2013-05-24T00:00:00Z");
        assert!(parse_rfc3339("yesterday").is_err());
        assert!(parse_rfc3339("2013-05-24").is_err());
    }
}
