//! Parsing of the human units planners type: durations (`20s`, `3m`, `1h30m`),
//! shares (`80%`, `0.8`), interval lengths and clock times.

use crate::error::{Error, Result};

/// Parses a duration, the one grammar of every flag and config key that takes one
/// (ACD export cells take seconds or the clock form, [`clock_seconds`]), returning
/// seconds:
/// - units, largest first, with or without spaces: `20s`, `3m`, `1h30m`, `1h 30m 15s`,
///   `3min`, `20 sec`, `5 minutes`, `2 hours`, `14d`, `14 days`, `2 weeks`, and
///   fractions (`2.5m`);
/// - a clock form, minutes and seconds or hours, minutes and seconds: `1:30` (90 s),
///   `0:03:05` (185 s), as ACD exports write handle times;
/// - a bare number of seconds (`180`), where the caller allows it (interval lengths
///   refuse it: see [`parse_interval_seconds`]).
pub fn parse_duration_seconds(text: &str) -> Result<f64> {
    let bad = || {
        Error::input(format!(
            "\"{text}\" is not a duration; expected e.g. 20s, 3min, 1h30m, 1:30 or a number of seconds"
        ))
    };
    let trimmed = text.trim();
    if let Ok(seconds) = trimmed.parse::<f64>() {
        return if seconds.is_finite() {
            Ok(seconds)
        } else {
            Err(bad())
        };
    }
    if trimmed.contains(':') {
        return clock_seconds(trimmed).ok_or_else(bad);
    }
    unit_seconds(trimmed).ok_or_else(bad)
}

/// `M:SS` or `H:MM:SS` (each part a non-negative number, folded base 60), the form
/// of handle times in ACD exports.
pub fn clock_seconds(text: &str) -> Option<f64> {
    let total = text.split(':').try_fold(0.0, |total, part| {
        part.trim()
            .parse::<f64>()
            .ok()
            .filter(|value| *value >= 0.0)
            .map(|value| total * 60.0 + value)
    })?;
    total.is_finite().then_some(total)
}

/// Numbers each followed by a unit, weeks before days before hours before minutes
/// before seconds.
fn unit_seconds(text: &str) -> Option<f64> {
    let mut rest = text;
    let mut total = 0.0;
    let mut last_rank = 0;
    while !rest.is_empty() {
        let number_end = rest
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        let value: f64 = rest[..number_end].parse().ok()?;
        let after = rest[number_end..].trim_start();
        let unit_end = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (scale, rank) = unit(&after[..unit_end])?;
        if rank <= last_rank || (value < 0.0 && last_rank > 0) {
            return None;
        }
        total += value * scale;
        last_rank = rank;
        rest = after[unit_end..].trim_start();
    }
    (last_rank > 0 && total.is_finite()).then_some(total)
}

/// Seconds per unit and the unit's rank (weeks first).
fn unit(word: &str) -> Option<(f64, u8)> {
    match word.to_ascii_lowercase().as_str() {
        "w" | "wk" | "wks" | "week" | "weeks" => Some((7.0 * 86400.0, 1)),
        "d" | "day" | "days" => Some((86400.0, 2)),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some((3600.0, 3)),
        "m" | "min" | "mins" | "minute" | "minutes" => Some((60.0, 4)),
        "s" | "sec" | "secs" | "second" | "seconds" => Some((1.0, 5)),
        _ => None,
    }
}

/// An interval length in seconds: a duration with its unit. A bare number is refused,
/// since `30` would be read as 30 seconds by one tool and 30 minutes by another.
pub fn parse_interval_seconds(text: &str) -> Result<f64> {
    if let Ok(number) = text.trim().parse::<f64>() {
        return Err(Error::input(format!(
            "\"{text}\" has no unit; an interval length needs one, e.g. {number}m for {number} minutes"
        )));
    }
    parse_duration_seconds(text)
}

/// Parses an IANA time-zone name such as `Europe/London`.
pub fn parse_time_zone(name: &str) -> Result<chrono_tz::Tz> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        Error::input(format!(
            "unknown time zone \"{name}\"; expected an IANA name such as Europe/London or America/New_York"
        ))
    })
}

/// Parses a share: `80%` -> 0.8, `0.8` -> 0.8, `12.5%` -> 0.125.
/// A bare number above 1 is rejected because `80` could mean 80% or 8000%.
pub fn parse_share(text: &str) -> Result<f64> {
    let trimmed = text.trim();
    let bad = || {
        Error::input(format!(
            "\"{text}\" is not a share; expected a percentage such as 80% or a fraction such as 0.8"
        ))
    };
    let value = if let Some(percent) = trimmed.strip_suffix('%') {
        percent.trim().parse::<f64>().map_err(|_| bad())? / 100.0
    } else {
        let value = trimmed.parse::<f64>().map_err(|_| bad())?;
        if value > 1.0 {
            return Err(bad());
        }
        value
    };
    if !value.is_finite() {
        return Err(bad());
    }
    Ok(value)
}

/// Parses a service-level target written `X/T`, as planners say "80/20": X% of calls
/// answered within T. X is a percentage (`80` or `80%`), T a duration (`20`, `20s`,
/// `1m`). Returns (share, seconds): `80/20` -> (0.8, 20.0). Ranges are checked by the
/// caller; a bare X above 0 and up to 1 is rejected because `0.8/20` reads like a
/// fraction but would mean 0.8%.
pub fn parse_service_level(text: &str) -> Result<(f64, f64)> {
    let bad = || {
        Error::input(format!(
            "\"{text}\" is not a service-level target; expected PERCENT/SECONDS such as 80/20 (80% answered within 20 s)"
        ))
    };
    let (level, within) = text.split_once('/').ok_or_else(bad)?;
    let level = level.trim();
    let percent = match level.strip_suffix('%') {
        Some(number) => number.trim().parse::<f64>().map_err(|_| bad())?,
        None => {
            let number = level.parse::<f64>().map_err(|_| bad())?;
            if number > 0.0 && number <= 1.0 {
                return Err(bad());
            }
            number
        }
    };
    if !percent.is_finite() {
        return Err(bad());
    }
    let seconds = parse_duration_seconds(within).map_err(|_| bad())?;
    Ok((percent / 100.0, seconds))
}

/// Parses an interval length (`30m`, `15 min`, `1h`; a bare number is refused, see
/// [`parse_interval_seconds`]) into whole minutes, accepting only lengths that divide a
/// day evenly.
pub fn parse_interval_minutes(text: &str) -> Result<u32> {
    let minutes = parse_interval_seconds(text)? / 60.0;
    let whole = minutes.round();
    if (minutes - whole).abs() > 1e-9 || whole <= 0.0 || 1440.0 % whole != 0.0 {
        return Err(Error::input(format!(
            "\"{text}\" is not an interval length; expected whole minutes that divide a day, such as 15m, 30m or 60m"
        )));
    }
    Ok(whole as u32)
}

/// Parses a clock time `HH:MM` (hours may exceed 23 for times past midnight, e.g.
/// `25:30`) into minutes after midnight.
pub fn parse_clock_minutes(text: &str) -> Result<u32> {
    let bad = || Error::input(format!("\"{text}\" is not a clock time; expected HH:MM"));
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
    let hours: u32 = hours.parse().map_err(|_| bad())?;
    let minutes: u32 = minutes.parse().map_err(|_| bad())?;
    if minutes >= 60 || hours > 48 {
        return Err(bad());
    }
    Ok(hours * 60 + minutes)
}

/// Formats minutes after midnight as `HH:MM` (`1530` -> `25:30`).
pub fn format_clock_minutes(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Formats a number for CSV output deterministically: integers without a decimal
/// point, other values rounded to at most `decimals` places with trailing zeros trimmed.
pub fn format_number(value: f64, decimals: usize) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text
    }
}

/// The number a reader gets back from [`format_number`]`(value, decimals)`.
///
/// Stages that hand rows to the next stage in memory (`wfm plan`) also write them to a
/// file that the single-step commands read. Handing on the value the file holds rather
/// than the full-precision one keeps the two paths equal: staffing the plan's
/// `forecast.csv` with `wfm staff` gives the plan's `requirements.csv` byte for byte.
pub fn as_printed(value: f64, decimals: usize) -> f64 {
    format_number(value, decimals).parse().unwrap_or(value)
}

/// Rounds to `decimals` places (and -0 to 0) for stable, readable JSON.
pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (value * scale).round() / scale;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

/// `total` shared out in proportion to `weights` (negative ones count as 0) in whole
/// parts (largest remainder, Hamilton's method): each part its quotient rounded down,
/// then one more to the largest remainders, earlier first on a tie, until the parts add
/// up to `total`. All zero when the weights are.
pub fn largest_remainders(weights: &[f64], total: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| w.max(0.0) * total as f64 / sum)
        .collect();
    let mut parts: Vec<usize> = exact.iter().map(|x| (x + 1e-6).floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let remainder = |i: usize| exact[i] - parts[i] as f64;
        remainder(b).total_cmp(&remainder(a)).then(a.cmp(&b))
    });
    let short = total.saturating_sub(parts.iter().sum());
    for &i in order.iter().cycle().take(short) {
        parts[i] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    /// Every spelling of the one grammar gives the same seconds.
    #[test]
    fn one_grammar_for_durations() {
        let cases: [(&[&str], f64); 7] = [
            (
                &["14d", "14 days", "2 weeks", "2w", "1w 7d", "336h"],
                14.0 * 86400.0,
            ),
            (&["1d 12h", "1.5 days", "36h"], 1.5 * 86400.0),
            (
                &[
                    "30m",
                    "30 min",
                    "30min",
                    "30 minutes",
                    "1800s",
                    "0:30:00",
                    "1800",
                ],
                1800.0,
            ),
            (
                &[
                    "1h30m",
                    "1h 30min",
                    "1 hour 30 minutes",
                    "90m",
                    "1:30:00",
                    "1.5h",
                ],
                5400.0,
            ),
            (&["20s", "20 sec", "20 seconds", "0:20"], 20.0),
            (&["3min", "3m", "180s", "3:00", "0:03:00"], 180.0),
            (&["1:30", "90s", "1m30s", "1 min 30 sec"], 90.0),
        ];
        for (spellings, seconds) in cases {
            for text in spellings {
                assert_eq!(parse_duration_seconds(text).unwrap(), seconds, "{text}");
            }
        }
        for bad in [
            "", "m", "30x", "1m30h", "1 5m", "1h-30m", "3:x", "inf", "30 m m", "1d2w",
        ] {
            assert!(parse_duration_seconds(bad).is_err(), "{bad}");
        }
    }

    /// An interval length needs its unit; the hint names the one most likely meant.
    #[test]
    fn a_bare_interval_length_is_refused_with_a_hint() {
        let message = parse_interval_seconds("30").unwrap_err().to_string();
        assert_eq!(
            message,
            "\"30\" has no unit; an interval length needs one, e.g. 30m for 30 minutes"
        );
        assert!(parse_interval_minutes("30").is_err());
        assert_eq!(parse_interval_minutes("30 min").unwrap(), 30);
        assert_eq!(parse_interval_minutes("1h").unwrap(), 60);
        assert_eq!(parse_interval_seconds("15m").unwrap(), 900.0);
    }

    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_seconds("20s").unwrap(), 20.0);
        assert_eq!(parse_duration_seconds("3m").unwrap(), 180.0);
        assert_eq!(parse_duration_seconds("1h30m").unwrap(), 5400.0);
        assert_eq!(parse_duration_seconds("1h 30m 15s").unwrap(), 5415.0);
        assert_eq!(parse_duration_seconds("180").unwrap(), 180.0);
        assert_eq!(parse_duration_seconds("2.5m").unwrap(), 150.0);
        assert!(parse_duration_seconds("30m1h").is_err());
        assert!(parse_duration_seconds("abc").is_err());
        assert!(parse_duration_seconds("").is_err());
        assert!(parse_duration_seconds("5x").is_err());
    }

    #[test]
    fn shares() {
        assert_eq!(parse_share("80%").unwrap(), 0.8);
        assert_eq!(parse_share("0.8").unwrap(), 0.8);
        assert_eq!(parse_share("12.5%").unwrap(), 0.125);
        assert!(parse_share("80").is_err());
        assert!(parse_share("x%").is_err());
    }

    #[test]
    fn service_levels() {
        assert_eq!(parse_service_level("80/20").unwrap(), (0.8, 20.0));
        assert_eq!(parse_service_level("90%/30s").unwrap(), (0.9, 30.0));
        assert_eq!(parse_service_level("80 / 1m").unwrap(), (0.8, 60.0));
        assert_eq!(parse_service_level("100/20").unwrap(), (1.0, 20.0));
        assert!(parse_service_level("0.8/20").is_err());
        assert_eq!(parse_service_level("0/20").unwrap(), (0.0, 20.0));
        assert!(parse_service_level("80").is_err());
        assert!(parse_service_level("eighty/20").is_err());
        assert!(parse_service_level("80/soon").is_err());
    }

    #[test]
    fn intervals_and_clock() {
        assert_eq!(parse_interval_minutes("30m").unwrap(), 30);
        assert_eq!(parse_interval_minutes("1h").unwrap(), 60);
        assert!(
            parse_interval_minutes("15").is_err(),
            "a bare number has no unit"
        );
        assert!(parse_interval_minutes("7m").is_err());
        assert_eq!(parse_clock_minutes("25:30").unwrap(), 1530);
        assert_eq!(format_clock_minutes(1530), "25:30");
        assert!(parse_clock_minutes("10:75").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(12.0, 3), "12");
        assert_eq!(format_number(183.4567, 3), "183.457");
        assert_eq!(format_number(0.5, 3), "0.5");
        assert_eq!(format_number(-0.0001, 3), "0");
    }
}
