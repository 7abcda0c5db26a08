//! Average handle time per weekday and half-hour.
//!
//! AHT changes slowly and is noisy where few calls are handled, so the forecast is a
//! profile of the last eight weeks: handle seconds over handled calls (a call-weighted
//! mean, not a mean of interval averages), pooled with the neighbouring half-hours
//! (weights 1-2-1), and shrunk towards the same half-hour of all weekdays and then to
//! the queue's overall AHT in proportion to how few calls support it (a credibility
//! weighting, Bühlmann 1967). A quiet Sunday 07:30 thus borrows from the other days.

use polars::prelude::{col, Column, DataFrame, IntoLazy};

use crate::error::{Error, Result};
use crate::forecast::series::QueueHistory;

/// Weeks of history the profile is built from.
const PROFILE_WEEKS: usize = 8;
/// Handled calls that weigh as much as the prior in the shrinkage.
const PRIOR_CALLS: f64 = 30.0;

/// Forecast AHT per (weekday, slot); `None` when the history has no handle times.
#[derive(Debug, Clone, PartialEq)]
pub struct AhtProfile {
    slots: usize,
    values: Option<Vec<f64>>,
}

impl AhtProfile {
    /// AHT of `slot` on `weekday` (0 = Monday), in seconds.
    pub fn get(&self, weekday: usize, slot: usize) -> Option<f64> {
        self.values
            .as_ref()
            .map(|values| values[weekday * self.slots + slot])
    }
}

fn polars_error(error: polars::error::PolarsError) -> Error {
    Error::input(format!("building the AHT profile: {error}"))
}

/// Handled calls and handle seconds summed per (weekday, slot) with a polars group-by.
fn weekday_slot_sums(history: &QueueHistory, first_day: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    let slots = history.calls.slots();
    let days = history.calls.days();
    let mut weekday = Vec::new();
    let mut slot = Vec::new();
    for day in first_day..days {
        let w = history.calls.weekday(day) as i32;
        for s in 0..slots {
            weekday.push(w);
            slot.push(s as i32);
        }
    }
    let range = first_day * slots..days * slots;
    let frame = DataFrame::new(
        weekday.len(),
        vec![
            Column::new("weekday".into(), weekday),
            Column::new("slot".into(), slot),
            Column::new("handled".into(), history.handled[range.clone()].to_vec()),
            Column::new("seconds".into(), history.handle_seconds[range].to_vec()),
        ],
    )
    .map_err(polars_error)?;
    let sums = frame
        .lazy()
        .group_by([col("weekday"), col("slot")])
        .agg([col("handled").sum(), col("seconds").sum()])
        .collect()
        .map_err(polars_error)?;
    let column = |name: &str| sums.column(name).map_err(polars_error);
    let weekdays = column("weekday")?.i32().map_err(polars_error)?;
    let slot_numbers = column("slot")?.i32().map_err(polars_error)?;
    let handled = column("handled")?.f64().map_err(polars_error)?;
    let seconds = column("seconds")?.f64().map_err(polars_error)?;
    let mut handled_sums = vec![0.0; 7 * slots];
    let mut seconds_sums = vec![0.0; 7 * slots];
    for row in 0..sums.height() {
        let cell = weekdays.get(row).unwrap_or_default() as usize * slots
            + slot_numbers.get(row).unwrap_or_default() as usize;
        handled_sums[cell] = handled.get(row).unwrap_or(0.0);
        seconds_sums[cell] = seconds.get(row).unwrap_or(0.0);
    }
    Ok((handled_sums, seconds_sums))
}

/// Builds the AHT profile from the last eight weeks (all the history when those hold
/// fewer than `PRIOR_CALLS` handled calls).
pub fn aht_profile(history: &QueueHistory) -> Result<AhtProfile> {
    let slots = history.calls.slots();
    let days = history.calls.days();
    let recent = days.saturating_sub(PROFILE_WEEKS * 7);
    let (mut handled, mut seconds) = weekday_slot_sums(history, recent)?;
    if handled.iter().sum::<f64>() < PRIOR_CALLS && recent > 0 {
        (handled, seconds) = weekday_slot_sums(history, 0)?;
    }
    let total_handled: f64 = handled.iter().sum();
    if total_handled <= 0.0 {
        return Ok(AhtProfile {
            slots,
            values: None,
        });
    }
    let overall = seconds.iter().sum::<f64>() / total_handled;
    let (handled, seconds) = (
        pool_neighbours(&handled, slots),
        pool_neighbours(&seconds, slots),
    );
    // The same slot over all weekdays, shrunk to the overall AHT.
    let slot_prior: Vec<f64> = (0..slots)
        .map(|s| {
            let h: f64 = (0..7).map(|w| handled[w * slots + s]).sum();
            let sec: f64 = (0..7).map(|w| seconds[w * slots + s]).sum();
            (sec + PRIOR_CALLS * overall) / (h + PRIOR_CALLS)
        })
        .collect();
    let values = (0..7 * slots)
        .map(|cell| {
            let prior = slot_prior[cell % slots];
            (seconds[cell] + PRIOR_CALLS * prior) / (handled[cell] + PRIOR_CALLS)
        })
        .collect();
    Ok(AhtProfile {
        slots,
        values: Some(values),
    })
}

/// Each weekday's sums pooled with its neighbouring slots, weights 1-2-1.
fn pool_neighbours(sums: &[f64], slots: usize) -> Vec<f64> {
    (0..sums.len())
        .map(|cell| {
            let (day, slot) = (cell / slots, cell % slots);
            let at = |s: usize| sums[day * slots + s];
            let before = if slot > 0 { at(slot - 1) } else { 0.0 };
            let after = if slot + 1 < slots { at(slot + 1) } else { 0.0 };
            before + 2.0 * at(slot) + after
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::series::DayGrid;
    use chrono::NaiveDate;

    fn history(handled: Vec<f64>, seconds: Vec<f64>, days: usize) -> QueueHistory {
        QueueHistory {
            queue: "q".into(),
            time_zone: chrono_tz::UTC,
            interval_minutes: 720,
            calls: DayGrid::new(
                NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                2,
                vec![Some(1.0); days * 2],
            ),
            handled,
            handle_seconds: seconds,
        }
    }

    #[test]
    fn call_weighted_and_shrunk_towards_the_slot_and_queue() {
        // Two slots a day over eight weeks: 1000 calls of 300 s each morning, and in the
        // afternoon 100 calls of 200 s on weekdays and none at weekends.
        let days = 56;
        let mut handled = Vec::new();
        let mut seconds = Vec::new();
        for day in 0..days {
            handled.push(1000.0);
            seconds.push(300_000.0);
            let afternoon = if day % 7 < 5 { 100.0 } else { 0.0 };
            handled.push(afternoon);
            seconds.push(afternoon * 200.0);
        }
        let profile = aht_profile(&history(handled, seconds, days)).unwrap();
        let morning = profile.get(0, 0).unwrap();
        // Pooled with the afternoon neighbour: (2·8000·300 + 800·200 + 30·prior) / (16800 + 30).
        assert!(morning > 295.0 && morning < 300.0, "{morning}");
        let weekday_afternoon = profile.get(2, 1).unwrap();
        let sunday_afternoon = profile.get(6, 1).unwrap();
        // Sunday afternoon has no calls of its own: it is the morning-dominated
        // neighbour pool, close to the morning AHT, not zero.
        assert!(sunday_afternoon > 290.0, "{sunday_afternoon}");
        assert!(weekday_afternoon < sunday_afternoon);
        let empty = aht_profile(&history(vec![0.0; 112], vec![0.0; 112], days)).unwrap();
        assert_eq!(empty.get(0, 0), None);
    }
}
