//! The planner's calendar (`calendar.csv`): closed days, holidays and events, and the
//! effect each has on a queue's volume, learned from its past occurrences.
//!
//! Special days are not normal days: fitted into a weekday profile, a closed Monday or
//! a promotion would bias every Monday after it. So the forecasting methods never see
//! them (they are removed from the history before fitting), and their effect is put
//! back afterwards as one factor on the whole day, as is usual in call-center practice
//! (e.g. Gans, Koole & Mandelbaum 2003, "Telephone call centers: tutorial, review and
//! research prospects", M&SOM 5:79, section 7 on special days).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};

use crate::error::Result;
use crate::forecast::series::DayGrid;
use crate::table::{Row, Table};

/// What kind of special day a calendar row declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DayKind {
    /// The center is closed: no demand at all.
    Closed,
    /// Open, with volume different from a normal day (e.g. Christmas Eve).
    Holiday,
    /// A business event that drives demand (e.g. a promotion).
    Event,
}

impl DayKind {
    /// Reads a `calendar.csv` kind, case-insensitively.
    pub fn parse(text: &str) -> Option<DayKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "closed" => Some(DayKind::Closed),
            "holiday" => Some(DayKind::Holiday),
            "event" => Some(DayKind::Event),
            _ => None,
        }
    }

    /// The name used in `calendar.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Closed => "closed",
            DayKind::Holiday => "holiday",
            DayKind::Event => "event",
        }
    }
}

/// One calendar row.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    /// The planner's expected volume factor (1.6 = +60 %), if given.
    pub uplift: Option<f64>,
}

impl CalendarEntry {
    /// Occurrences of the same special day share kind and name (case-insensitively).
    fn group(&self) -> Group {
        (self.kind, self.name.trim().to_lowercase())
    }
}

/// Calendar rows by date (a date may carry several, e.g. a holiday and an event).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, Vec<CalendarEntry>>,
}

impl Calendar {
    /// A calendar with no special days.
    pub fn empty() -> Self {
        Calendar::default()
    }

    /// Reads `calendar.csv` (header `date,kind,name,uplift`; `uplift` optional), or
    /// standard input for `-`.
    pub fn read(path: &Path) -> Result<Self> {
        Calendar::from_table(Table::open(path)?)
    }

    /// Parses calendar CSV text; `file` names the source in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Self> {
        Calendar::from_table(Table::from_reader(file, text.as_bytes())?)
    }

    fn from_table<R: Read>(mut table: Table<R>) -> Result<Self> {
        let mut columns = Vec::new();
        for column in ["date", "kind", "name"] {
            columns.push(table.column(column).ok_or_else(|| {
                table.missing_column(
                    column,
                    "the columns date, kind, name and uplift (uplift may be left out)",
                )
            })?);
        }
        let uplift = table.column("uplift");
        let mut calendar = Calendar::empty();
        let mut lines: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        while let Some(row) = table.next_row()? {
            let entry = calendar_entry(&row, &columns, uplift)?;
            // One row per date: two (a day closed and with an event, or a date
            // repeated) would leave which one counts to chance.
            if let Some(first) = lines.insert(entry.date, row.line()) {
                return Err(row.error(
                    columns[0],
                    &format!(
                        "each date once, but {} is already at line {first}",
                        entry.date
                    ),
                ));
            }
            calendar.add(entry);
        }
        Ok(calendar)
    }

    /// Adds one row.
    pub fn add(&mut self, entry: CalendarEntry) {
        self.days.entry(entry.date).or_default().push(entry);
    }

    /// The rows of one date (empty for a normal day).
    pub fn entries_on(&self, date: NaiveDate) -> &[CalendarEntry] {
        self.days.get(&date).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether the center is closed all day.
    pub fn is_closed(&self, date: NaiveDate) -> bool {
        self.entries_on(date)
            .iter()
            .any(|e| e.kind == DayKind::Closed)
    }

    /// The days from `start` for `days` days on which the center is closed.
    pub fn closed_days(&self, start: NaiveDate, days: u32) -> Vec<NaiveDate> {
        (0..days)
            .map(|day| start + chrono::Duration::days(i64::from(day)))
            .filter(|date| self.is_closed(*date))
            .collect()
    }

    /// Whether the date is not a normal day (and so is kept out of model fitting).
    pub fn is_special(&self, date: NaiveDate) -> bool {
        !self.entries_on(date).is_empty()
    }

    /// Whether the calendar has no rows at all.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }
}

/// The largest uplift of a calendar row: a day a hundred times as busy as usual.
const MAX_UPLIFT: f64 = 100.0;

/// One calendar record; `columns` locate date, kind and name.
fn calendar_entry(row: &Row, columns: &[usize], uplift: Option<usize>) -> Result<CalendarEntry> {
    let date = row.parse(
        columns[0],
        crate::limits::EXPECTED_DATE,
        crate::limits::parse_date,
    )?;
    let kind = row.parse(columns[1], "closed, holiday or event", DayKind::parse)?;
    let uplift = match uplift {
        Some(column) if !row.get(column).is_empty() => Some(row.parse(
            column,
            "a volume factor from 0 to 100 such as 1.6 (or empty)",
            |text| {
                text.parse::<f64>()
                    .ok()
                    .filter(|value| (0.0..=MAX_UPLIFT).contains(value))
            },
        )?),
        _ => None,
    };
    let name = match row.get(columns[2]) {
        "" => kind.as_str().to_string(),
        name => name.to_string(),
    };
    Ok(CalendarEntry {
        date,
        kind,
        name,
        uplift,
    })
}

/// Occurrences of one special day: its kind and lower-case name.
type Group = (DayKind, String);
/// One past occurrence: observed over normal volume, and the planned uplift.
type Sample = (f64, Option<f64>);

/// How a group of special days (same kind and name) moves a queue's volume.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Learned {
    /// Volume is this multiple of a normal day (no uplifts given to scale by).
    Ratio(f64),
    /// Volume is `1 + slope × (uplift − 1)`: the planner's uplifts are right in shape
    /// and the queue shows `slope` of them (about 1 for the queue a promotion targets,
    /// about 0 for a queue it does not touch).
    Slope(f64),
}

/// The factor each special day puts on a queue's normal-day forecast.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalendarEffects {
    learned: BTreeMap<Group, Learned>,
}

/// What a calendar date does to the forecast of a normal day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DayEffect {
    Normal,
    Closed,
    Scale(f64),
}

/// Weeks on each side of a special day whose same weekday gives its normal volume.
const BASELINE_WEEKS: i64 = 4;

impl CalendarEffects {
    /// Learns the effect of each group of special days from its past occurrences in
    /// `raw` (the observed history): the day's total over the median total of the same
    /// weekday in the four weeks on either side (`clean`, with special days removed).
    pub fn learn(calendar: &Calendar, raw: &DayGrid, clean: &DayGrid) -> Self {
        // (ratio, uplift) per group.
        let mut samples: BTreeMap<Group, Vec<Sample>> = BTreeMap::new();
        for day in 0..raw.days() {
            let date = raw.date(day);
            let entries = calendar.entries_on(date);
            // A day with two entries cannot say which of them moved the volume.
            let [entry] = entries else { continue };
            if entry.kind == DayKind::Closed {
                continue;
            }
            let (Some(total), Some(baseline)) = (raw.daily_total(day), normal_volume(clean, day))
            else {
                continue;
            };
            samples
                .entry(entry.group())
                .or_default()
                .push((total / baseline, entry.uplift));
        }
        let learned = samples
            .into_iter()
            .map(|(group, samples)| (group, fit_effect(&samples)))
            .collect();
        CalendarEffects { learned }
    }

    /// The effect of `date`: closed, a learned factor, the planner's uplift for a day
    /// never seen before, or normal.
    pub fn effect(&self, calendar: &Calendar, date: NaiveDate) -> DayEffect {
        let entries = calendar.entries_on(date);
        if entries.is_empty() {
            return DayEffect::Normal;
        }
        if calendar.is_closed(date) {
            return DayEffect::Closed;
        }
        let factor = entries
            .iter()
            .map(
                |entry| match (self.learned.get(&entry.group()), entry.uplift) {
                    (Some(Learned::Slope(slope)), Some(uplift)) => 1.0 + slope * (uplift - 1.0),
                    (Some(Learned::Slope(_)), None) => 1.0,
                    (Some(Learned::Ratio(ratio)), _) => *ratio,
                    (None, uplift) => uplift.unwrap_or(1.0),
                },
            )
            .product::<f64>();
        DayEffect::Scale(factor.max(0.0))
    }

    /// Special days in the forecast whose effect is a guess: neither seen in the
    /// history nor given an uplift (they are forecast as normal days).
    pub fn unknown_days(&self, calendar: &Calendar, dates: &[NaiveDate]) -> Vec<String> {
        dates
            .iter()
            .flat_map(|date| calendar.entries_on(*date))
            .filter(|e| e.kind != DayKind::Closed)
            .filter(|e| e.uplift.is_none() && !self.learned.contains_key(&e.group()))
            .map(|e| format!("{} {}", e.date, e.name))
            .collect()
    }
}

/// Uplifts are trusted in shape when every sample has one and they vary; otherwise
/// the mean ratio is the effect.
fn fit_effect(samples: &[Sample]) -> Learned {
    let with_uplift: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|(ratio, uplift)| uplift.map(|u| (*ratio, u)))
        .collect();
    let spread: f64 = with_uplift.iter().map(|(_, u)| (u - 1.0).powi(2)).sum();
    if with_uplift.len() == samples.len() && spread > 1e-9 {
        let covariance: f64 = with_uplift.iter().map(|(r, u)| (r - 1.0) * (u - 1.0)).sum();
        Learned::Slope(covariance / spread)
    } else {
        Learned::Ratio(samples.iter().map(|(r, _)| r).sum::<f64>() / samples.len() as f64)
    }
}

/// The median total of the same weekday up to four weeks either side of `day`, among
/// normal observed days; `None` with fewer than two such days.
fn normal_volume(clean: &DayGrid, day: usize) -> Option<f64> {
    let mut totals: Vec<f64> = (-BASELINE_WEEKS..=BASELINE_WEEKS)
        .filter(|&week| week != 0)
        .filter_map(|week| {
            let other = day as i64 + 7 * week;
            (0..clean.days() as i64)
                .contains(&other)
                .then(|| clean.daily_total(other as usize))
                .flatten()
        })
        .filter(|total| *total > 0.0)
        .collect();
    if totals.len() < 2 {
        return None;
    }
    totals.sort_by(f64::total_cmp);
    let middle = totals.len() / 2;
    Some(if totals.len().is_multiple_of(2) {
        (totals[middle - 1] + totals[middle]) / 2.0
    } else {
        totals[middle]
    })
}

/// Dates from `first` for `days` days.
pub fn date_range(first: NaiveDate, days: usize) -> Vec<NaiveDate> {
    (0..days)
        .map(|d| first + Duration::days(d as i64))
        .collect()
}

/// The weekday of a date, 0 = Monday.
pub fn weekday_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const CALENDAR: &str = "date,kind,name,uplift\n\
        2026-01-05,closed,New Year,\n\
        2026-01-12,event,Sale,1.5\n\
        2026-01-19,event,Sale,2.0\n\
        2026-01-26,holiday,Eve,\n\
        2026-03-02,event,Sale,1.8\n\
        2026-03-09,holiday,Eve,\n\
        2026-03-16,event,Launch,1.3\n";

    #[test]
    fn parses_rows_and_rejects_bad_cells() {
        let calendar = Calendar::parse(CALENDAR, "calendar.csv").unwrap();
        assert!(calendar.is_closed(date("2026-01-05")));
        assert!(calendar.is_special(date("2026-01-12")));
        assert!(!calendar.is_special(date("2026-01-13")));
        assert_eq!(calendar.entries_on(date("2026-01-19"))[0].uplift, Some(2.0));
        let error = Calendar::parse("date,kind,name,uplift\n2026-01-05,shut,X,\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "c.csv: line 2, column \"kind\": found \"shut\"; expected closed, holiday or event"
        );
        let error = Calendar::parse("date,kind,name\n05/01/2026,closed,X\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 2, column \"date\""), "{error}");
        let error = Calendar::parse("Date,what\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "c.csv: no column \"kind\"; expected the columns date, kind, name and uplift (uplift may be left out)"
        );
        let error = Calendar::parse("date,kind,name,uplift\n2026-01-05,event,X,big\n", "c.csv")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("column \"uplift\": found \"big\""),
            "{error}"
        );
    }

    /// Mondays of Jan-Mar 2026 with 100 calls a day (one slot), special days moved.
    #[test]
    fn learns_slopes_for_uplifts_and_ratios_without() {
        let calendar = Calendar::parse(CALENDAR, "calendar.csv").unwrap();
        let first = date("2025-12-01");
        let days = 100;
        let values: Vec<Option<f64>> = (0..days)
            .map(|d| {
                let day = first + Duration::days(d);
                let volume = match calendar.entries_on(day).first() {
                    Some(e) if e.kind == DayKind::Closed => 0.0,
                    // The queue shows half of each planned uplift.
                    Some(e) if e.kind == DayKind::Event => {
                        100.0 * (1.0 + 0.5 * (e.uplift.unwrap() - 1.0))
                    }
                    Some(_) => 70.0,
                    None => 100.0,
                };
                Some(volume)
            })
            .collect();
        let raw = DayGrid::new(first, 1, values);
        let clean = raw.without_days(|d| calendar.is_special(d));
        let effects = CalendarEffects::learn(&calendar, &raw, &clean);
        let scale = |text: &str| match effects.effect(&calendar, date(text)) {
            DayEffect::Scale(factor) => factor,
            other => panic!("{other:?}"),
        };
        // Sale: slope 0.5 fitted on 1.5 and 2.0 (and 1.8), applied to the new 1.8.
        assert!((scale("2026-03-02") - 1.4).abs() < 1e-9);
        assert!((scale("2026-03-09") - 0.7).abs() < 1e-9);
        // Launch is new: its uplift is used as given.
        assert!((scale("2026-03-16") - 1.3).abs() < 1e-9);
        assert_eq!(
            effects.effect(&calendar, date("2026-01-05")),
            DayEffect::Closed
        );
        assert_eq!(
            effects.effect(&calendar, date("2026-01-06")),
            DayEffect::Normal
        );
    }
}
