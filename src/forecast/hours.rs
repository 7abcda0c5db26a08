//! Opening hours: the slots of each weekday in which a queue can have demand.
//!
//! Two sources: the planner's `--open` specification (e.g.
//! `"Mon-Fri 08:00-20:00,Sat 09:00-17:00"`), and the history itself, where a weekday
//! half-hour that never had a call is taken as closed. Forecasting zero there matters
//! more than it looks: a smoothed profile or a Holt-Winters level leaks a fraction of a
//! call into every closed slot, and an Erlang calculation turns that into an agent.

use crate::error::{Error, Result};
use crate::forecast::series::DayGrid;
use crate::units::parse_clock_minutes;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Open time ranges `[start, end)` in minutes after local midnight, per weekday (0 = Monday).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpeningHours {
    ranges: [Vec<(u32, u32)>; 7],
}

impl OpeningHours {
    /// Parses `"Mon-Fri 08:00-20:00,Sat 09:00-17:00"`: comma-separated items of a day or
    /// day range (wrapping, so `Sun-Thu` works) and one or more `HH:MM-HH:MM` ranges
    /// (end up to `24:00`). Weekdays not named are closed all day.
    pub fn parse(text: &str) -> Result<Self> {
        let mut hours = OpeningHours::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = |why: &str| {
                Error::input(format!(
                    "opening hours \"{item}\": {why}; expected e.g. \"Mon-Fri 08:00-20:00,Sat 09:00-17:00\""
                ))
            };
            let mut words = item.split_whitespace();
            let days = parse_days(words.next().unwrap_or("")).ok_or_else(|| bad("unknown day"))?;
            let mut any = false;
            for range in words {
                let (start, end) = range
                    .split_once('-')
                    .ok_or_else(|| bad("a time range needs a start and an end"))?;
                let start = parse_clock_minutes(start).map_err(|_| bad("bad start time"))?;
                let end = parse_clock_minutes(end).map_err(|_| bad("bad end time"))?;
                if end <= start || end > 1440 {
                    return Err(bad("the end must be after the start and at most 24:00"));
                }
                for &day in &days {
                    hours.ranges[day].push((start, end));
                }
                any = true;
            }
            if !any {
                return Err(bad("no time range"));
            }
        }
        if hours.ranges.iter().all(Vec::is_empty) {
            return Err(Error::input(format!(
                "opening hours \"{text}\" open no day; expected e.g. \"Mon-Fri 08:00-20:00\""
            )));
        }
        Ok(hours)
    }

    /// Whether the interval `[minute, minute + length)` of `weekday` overlaps opening time.
    pub fn is_open(&self, weekday: usize, minute: u32, length: u32) -> bool {
        self.ranges[weekday]
            .iter()
            .any(|&(start, end)| minute < end && minute + length > start)
    }
}

/// `Mon`, `monday`, `Mon-Fri`, `Sun-Thu` (wrapping) -> weekday indexes.
fn parse_days(text: &str) -> Option<Vec<usize>> {
    let day = |name: &str| {
        let lower = name.to_ascii_lowercase();
        let prefix = lower.get(..3)?;
        if !is_day_word(&lower) {
            return None;
        }
        DAY_NAMES.iter().position(|d| *d == prefix)
    };
    match text.split_once('-') {
        None => day(text).map(|d| vec![d]),
        Some((first, last)) => {
            let (first, last) = (day(first)?, day(last)?);
            let count = (last + 7 - first) % 7 + 1;
            Some((0..count).map(|i| (first + i) % 7).collect())
        }
    }
}

/// Accepts three-letter abbreviations and full English day names.
fn is_day_word(lower: &str) -> bool {
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    lower.len() == 3 || FULL.contains(&lower)
}

/// Which (weekday, slot) cells may carry demand: open by the configured hours (if any)
/// and not silent throughout the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSlots {
    slots: usize,
    open: Vec<bool>,
}

impl OpenSlots {
    /// Every slot open.
    pub fn all(slots: usize) -> Self {
        OpenSlots {
            slots,
            open: vec![true; 7 * slots],
        }
    }

    /// Open slots from the configured hours and the history: a weekday slot observed at
    /// least twice with never a call is closed.
    pub fn from_history(history: &DayGrid, hours: Option<&OpeningHours>, minutes: u32) -> Self {
        let slots = history.slots();
        let mut seen = vec![0usize; 7 * slots];
        let mut called = vec![false; 7 * slots];
        for day in 0..history.days() {
            let base = history.weekday(day) * slots;
            for (slot, value) in history.day_values(day).iter().enumerate() {
                if let Some(calls) = value {
                    seen[base + slot] += 1;
                    called[base + slot] |= *calls > 0.0;
                }
            }
        }
        let open = (0..7 * slots)
            .map(|cell| {
                let by_hours = hours.is_none_or(|h| {
                    h.is_open(cell / slots, (cell % slots) as u32 * minutes, minutes)
                });
                let by_history = called[cell] || seen[cell] < 2;
                by_hours && by_history
            })
            .collect();
        OpenSlots { slots, open }
    }

    /// Whether `slot` of `weekday` may have demand.
    pub fn is_open(&self, weekday: usize, slot: usize) -> bool {
        self.open[weekday * self.slots + slot]
    }

    /// Number of closed (weekday, slot) cells.
    pub fn closed_count(&self) -> usize {
        self.open.iter().filter(|open| !**open).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn parses_day_ranges_and_times() {
        let hours =
            OpeningHours::parse("Sun-Thu 07:00-24:00, Fri 07:00-14:00,Sat 20:00-24:00").unwrap();
        assert!(hours.is_open(6, 7 * 60, 30)); // Sunday 07:00
        assert!(hours.is_open(0, 23 * 60 + 30, 30)); // Monday 23:30
        assert!(!hours.is_open(0, 6 * 60 + 30, 30)); // Monday 06:30
        assert!(hours.is_open(4, 13 * 60 + 30, 30)); // Friday 13:30
        assert!(!hours.is_open(4, 14 * 60, 30)); // Friday 14:00
        assert!(!hours.is_open(5, 19 * 60 + 30, 30)); // Saturday 19:30
        assert!(hours.is_open(5, 20 * 60, 30)); // Saturday 20:00
        let split = OpeningHours::parse("monday 08:00-12:00 13:00-17:15").unwrap();
        assert!(!split.is_open(0, 12 * 60, 30));
        assert!(split.is_open(0, 17 * 60, 30)); // 17:00-17:30 overlaps 17:00-17:15
        assert!(!split.is_open(1, 9 * 60, 30));
        for bad in [
            "Mon-Fri",
            "Moon 08:00-12:00",
            "Mon 12:00-08:00",
            "Mon 08:00",
            "",
        ] {
            assert!(OpeningHours::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slots_never_called_are_closed() {
        // Two weeks, two slots a day: slot 0 always silent, slot 1 busy except Sundays.
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(); // a Monday
        let values = (0..14)
            .flat_map(|d| [Some(0.0), Some(if d % 7 == 6 { 0.0 } else { 5.0 })])
            .collect();
        let grid = DayGrid::new(first, 2, values);
        let open = OpenSlots::from_history(&grid, None, 720);
        assert!(!open.is_open(0, 0));
        assert!(open.is_open(0, 1));
        assert!(!open.is_open(6, 1));
        assert_eq!(open.closed_count(), 8);
        let hours = OpeningHours::parse("Tue 12:00-24:00").unwrap();
        let open = OpenSlots::from_history(&grid, Some(&hours), 720);
        assert!(!open.is_open(0, 1));
        assert!(open.is_open(1, 1));
    }
}
