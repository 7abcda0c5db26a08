//! The sane range of every input (docs/formats.md, "Limits"): dates, horizons, history
//! spans and head counts beyond which an input is a mistake (a stray row, a typo in a
//! number), refused with exit code 2 before any work, so that no input makes a run
//! allocate without bound, run for hours or panic.

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// The first year a date or timestamp of any input may fall in.
pub const FIRST_YEAR: i32 = 1900;
/// The last year a date or timestamp of any input may fall in.
pub const LAST_YEAR: i32 = 2199;
/// What a date must be, for messages.
pub const YEARS: &str = "in the years 1900 to 2199";
/// The most days a forecast, schedule, roster or plan covers (a leap year).
pub const MAX_HORIZON_DAYS: u32 = 366;
/// The longest span of a history, first to last interval (ten years): a longer one
/// is a stray row far from the others, whose gap would be filled with empty intervals.
pub const MAX_HISTORY_DAYS: i64 = 3660;
/// The most agents an interval may require, a shift limit may name or a staffing
/// search may try (a large site has a few thousand).
pub const MAX_AGENTS: f64 = 100_000.0;
/// The most calls of one queue in one interval (a count cell of a history or a
/// forecast): far above any contact center, far below where sums overflow.
pub const MAX_CALLS: f64 = 1e7;
/// What a count cell must hold, for messages.
pub const EXPECTED_CALLS: &str = "a whole number of calls from 0 to 10000000";
/// The longest handle or wait time of a cell, seconds (a day).
pub const MAX_SECONDS: f64 = 86_400.0;

/// The most forecast origins a backtest scores.
pub const MAX_BACKTEST_ORIGINS: usize = 520;

/// Whether `date` is in the years [`FIRST_YEAR`] to [`LAST_YEAR`].
pub fn date_in_range(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// What a date cell must hold, for messages.
pub const EXPECTED_DATE: &str = "a date YYYY-MM-DD in the years 1900 to 2199";

/// A date `YYYY-MM-DD` in the years allowed.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|date| date_in_range(*date))
}

/// Refuses a horizon of more than [`MAX_HORIZON_DAYS`] days (or none), or one that
/// starts or ends outside the years allowed; `what` names the setting.
pub fn check_horizon(start: NaiveDate, days: u64, what: &str) -> Result<()> {
    if days == 0 || days > u64::from(MAX_HORIZON_DAYS) {
        return Err(Error::input(format!(
            "{what} = {days} days; expected 1 to {MAX_HORIZON_DAYS}"
        )));
    }
    let end = start + chrono::Duration::days(days as i64 - 1);
    if !date_in_range(start) || !date_in_range(end) {
        return Err(Error::input(format!(
            "the horizon {start} to {end} is not {YEARS}"
        )));
    }
    Ok(())
}

/// Refuses a head count that is not a finite number from 0 to [`MAX_AGENTS`].
pub fn check_agents(value: f64, what: &str) -> Result<()> {
    if value.is_finite() && (0.0..=MAX_AGENTS).contains(&value) {
        return Ok(());
    }
    Err(Error::input(format!(
        "{what} = {value}; expected a number of agents from 0 to {MAX_AGENTS}"
    )))
}

/// What a head-count cell must hold, for messages.
pub const EXPECTED_AGENTS: &str = "a number of agents from 0 to 100000";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizons_and_dates_have_a_range() {
        let start = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(check_horizon(start, 31, "days").is_ok());
        assert!(check_horizon(start, 366, "days").is_ok());
        assert!(check_horizon(start, 367, "days").is_err());
        assert!(check_horizon(start, 0, "days").is_err());
        let far = NaiveDate::from_ymd_opt(9999, 12, 1).unwrap();
        assert!(check_horizon(far, 31, "days").is_err());
        assert!(check_agents(1e9, "agents").is_err());
        assert!(check_agents(f64::NAN, "agents").is_err());
        assert!(check_agents(12.5, "agents").is_ok());
        assert_eq!(
            EXPECTED_AGENTS,
            format!("a number of agents from 0 to {MAX_AGENTS}")
        );
    }
}
