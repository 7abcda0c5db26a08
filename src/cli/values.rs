//! Typed argument values: the `value_parser`s of every subcommand, in one place.
//!
//! Each wraps the library's own parser (mostly [`crate::units`]), so the command line
//! and the files accept the same spellings, and clap rejects a bad value before any
//! work starts: `invalid value 'X' for '--flag <NAME>': <the library's reason>`, exit
//! code 2. Range checks that depend on one flag alone live here too; checks that
//! combine flags or files stay with the library.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::forecast::hours::OpeningHours;
use crate::forecast::Method;
use crate::units::{
    parse_duration_seconds, parse_interval_minutes, parse_interval_seconds, parse_service_level,
    parse_share, parse_time_zone,
};

/// A duration as the planner typed it (`20s`, `3m`, `1h30m`): the seconds, and the text
/// for reports that echo it (`100 calls in 30m`).
#[derive(Debug, Clone, PartialEq)]
pub struct Duration {
    pub seconds: f64,
    text: String,
}

/// The duration as typed when it names its units (`3min`, `1h30m`), else in seconds
/// (`180` and `3:00` are echoed as `180s`), so an echo never leaves the unit to be
/// guessed.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text.trim();
        if text.chars().any(|c| c.is_ascii_alphabetic()) {
            f.write_str(text)
        } else {
            write!(f, "{}s", crate::units::format_number(self.seconds, 3))
        }
    }
}

/// Any duration, e.g. `20s`; ranges are the library's to check.
pub fn duration(text: &str) -> Result<Duration> {
    Ok(Duration {
        seconds: parse_duration_seconds(text)?,
        text: text.to_string(),
    })
}

/// The length of the interval calls arrive in: a positive duration with a unit (a
/// bare `30` is refused with a hint: it was 30 seconds to `wfm erlang` and 30 minutes
/// to `wfm staff`).
pub fn interval_length(text: &str) -> Result<Duration> {
    parse_interval_seconds(text)?;
    positive_duration(text)
}

/// A duration above zero: a time limit.
pub fn positive_duration(text: &str) -> Result<Duration> {
    let duration = duration(text)?;
    if duration.seconds <= 0.0 {
        return Err(Error::input(format!(
            "\"{text}\" must be positive; expected e.g. 20s, 3m or 1h30m"
        )));
    }
    Ok(duration)
}

/// Call routing: `assigned` or `skills`.
pub fn routing(text: &str) -> Result<crate::roster::Routing> {
    text.parse().map_err(Error::input)
}

/// A share such as `80%` or `0.8`; ranges are the library's to check.
pub fn share(text: &str) -> Result<f64> {
    parse_share(text)
}

/// A shrinkage override: a share below 100%.
pub fn shrinkage(text: &str) -> Result<f64> {
    let share = parse_share(text)?;
    if share >= 1.0 {
        return Err(Error::input(format!(
            "shrinkage \"{text}\" must be below 100%"
        )));
    }
    Ok(share)
}

/// A share strictly between 0% and 100%: a prediction interval level.
pub fn level(text: &str) -> Result<f64> {
    let level = parse_share(text)?;
    if level <= 0.0 || level >= 1.0 {
        return Err(Error::input(format!(
            "\"{text}\" must be between 0% and 100%, e.g. 80%"
        )));
    }
    Ok(level)
}

/// Erlang B's blocking target: a share above 0% and below 100%.
pub fn blocking(text: &str) -> Result<f64> {
    let blocking = parse_share(text)?;
    if !(blocking > 0.0 && blocking < 1.0) {
        return Err(Error::input(format!(
            "the blocking target must be above 0% and below 100%, found \"{text}\""
        )));
    }
    Ok(blocking)
}

/// A service-level target `X/T` such as `80/20`: (share, seconds).
pub fn service_level(text: &str) -> Result<(f64, f64)> {
    parse_service_level(text)
}

/// A local date `YYYY-MM-DD` (in the years of [`crate::limits::date_in_range`]).
pub fn date(text: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::input(format!("\"{text}\" is not a date; expected YYYY-MM-DD")))?;
    if !crate::limits::date_in_range(date) {
        return Err(Error::input(format!(
            "{date} is not {}",
            crate::limits::YEARS
        )));
    }
    Ok(date)
}

/// A cost: a finite number, 0 or more.
pub fn cost(text: &str) -> Result<f64> {
    match text.trim().parse::<f64>() {
        Ok(cost) if cost.is_finite() && cost >= 0.0 => Ok(cost),
        _ => Err(Error::input(format!(
            "\"{text}\" is not a cost; expected a number, 0 or more"
        ))),
    }
}

/// A number of days to plan: 1 or more.
pub fn days(text: &str) -> Result<u32> {
    let most = crate::limits::MAX_HORIZON_DAYS;
    match text.trim().parse::<u32>() {
        Ok(days) if (1..=most).contains(&days) => Ok(days),
        _ => Err(Error::input(format!(
            "\"{text}\" is not a number of days; expected 1 to {most}"
        ))),
    }
}

/// An IANA time zone such as `Europe/London`.
pub fn time_zone(text: &str) -> Result<chrono_tz::Tz> {
    parse_time_zone(text)
}

/// An interval length in whole minutes that divide a day (`30m`, `15`).
pub fn interval_minutes(text: &str) -> Result<u32> {
    parse_interval_minutes(text)
}

/// A forecasting method: `auto` or a method name.
pub fn method(text: &str) -> Result<Method> {
    Method::parse(text)
}

/// Opening hours such as `Mon-Fri 08:00-20:00,Sat 09:00-17:00`.
pub fn opening_hours(text: &str) -> Result<OpeningHours> {
    OpeningHours::parse(text)
}

/// The width of the roster's start-time bands: `auto`, or whole minutes (`0` for
/// exact per-agent starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartBand(pub Option<u32>);

/// Parses `--start-band`: `auto`, `0`, `30m`, `1h`.
pub fn start_band(text: &str) -> Result<StartBand> {
    if text.trim() == "auto" {
        return Ok(StartBand(None));
    }
    let seconds = parse_duration_seconds(text)?;
    if seconds < 0.0 || seconds % 60.0 != 0.0 {
        return Err(Error::input(format!(
            "\"{text}\" is not a start band; expected auto or whole minutes, 0 or more"
        )));
    }
    Ok(StartBand(Some((seconds / 60.0) as u32)))
}

/// A field delimiter: one ASCII character, or `tab`.
pub fn delimiter(text: &str) -> Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() => Ok(text.as_bytes()[0]),
        _ => Err(Error::input(format!(
            "delimiter \"{text}\" is not one ASCII character; expected e.g. , ; | or tab"
        ))),
    }
}

/// A column mapping `KEY=Header,...`.
pub fn column_map(text: &str) -> Result<BTreeMap<String, String>> {
    crate::ingest::parse_column_map(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_keep_their_text() {
        let interval = duration("30m").unwrap();
        assert_eq!(
            (interval.seconds, interval.to_string()),
            (1800.0, "30m".into())
        );
        assert_eq!(duration("180").unwrap().to_string(), "180s");
        assert_eq!(duration("1:30").unwrap().to_string(), "90s");
        assert_eq!(duration("3 min").unwrap().to_string(), "3 min");
        assert!(positive_duration("0s").is_err());
        assert_eq!(positive_duration("1h30m").unwrap().seconds, 5400.0);
    }

    #[test]
    fn ranges_of_one_flag() {
        assert_eq!(shrinkage("30%").unwrap(), 0.3);
        assert!(shrinkage("100%").is_err());
        assert_eq!(level("80%").unwrap(), 0.8);
        assert!(level("100%").is_err());
        assert!(blocking("0%").is_err());
        assert_eq!(blocking("1%").unwrap(), 0.01);
    }

    #[test]
    fn start_bands() {
        assert_eq!(start_band("auto").unwrap(), StartBand(None));
        assert_eq!(start_band("0").unwrap(), StartBand(Some(0)));
        assert_eq!(start_band("1h").unwrap(), StartBand(Some(60)));
        assert!(start_band("90s").is_err());
    }

    #[test]
    fn dates_and_delimiters() {
        assert_eq!(
            date("2026-12-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert!(date("01/12/2026").is_err());
        assert_eq!(days("7").unwrap(), 7);
        assert!(days("0").is_err());
        assert_eq!(delimiter("tab").unwrap(), b'\t');
        assert!(delimiter(";;").is_err());
    }
}
