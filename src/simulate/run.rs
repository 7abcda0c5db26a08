//! The simulation of a plan's own data, in memory: the entry point of `wfm simulate`
//! (which reads the files first) and of `wfm plan` (which has the rows already).
//!
//! ```no_run
//! # fn example(
//! #     forecast: &[wfm::forecast::ForecastRow],
//! #     roster: &[wfm::roster::RosterRow],
//! #     targets: &wfm::staff::QueueTargets,
//! # ) -> wfm::Result<()> {
//! use wfm::simulate::{simulate_roster, Settings};
//! let settings = Settings::default(); // assigned routing, whole-day absence, 30 x seed 7
//! let simulation = simulate_roster(forecast, roster, targets, chrono_tz::Europe::London, &settings)?;
//! for queue in &simulation.summary.queues {
//!     println!("{}: {:?}", queue.name, queue.horizon.service_level);
//! }
//! # Ok(())
//! # }
//! ```

use std::path::Path;

use chrono_tz::Tz;

use super::inputs::{build_inputs, SimulationInputs};
use super::outputs::{day_rows, interval_rows, summary, summary_lines, Summary};
pub use super::settings::{AhtDistribution, Routing, Settings, Sources, Staffing};
use super::{simulate, Report};
use crate::error::Result;
use crate::forecast::ForecastRow;
use crate::roster::RosterRow;
use crate::schedule::ShiftRow;
use crate::staff::QueueTargets;

/// A simulation's inputs, its report and the summary of it.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub inputs: SimulationInputs,
    pub report: Report,
    pub summary: Summary,
}

impl Simulation {
    /// `intervals.csv`'s rows (header: [`super::outputs::interval_header`]).
    pub fn interval_rows(&self) -> Vec<Vec<String>> {
        interval_rows(&self.inputs, &self.report)
    }

    /// `days.csv`'s rows (header: [`super::outputs::day_header`]).
    pub fn day_rows(&self) -> Vec<Vec<String>> {
        day_rows(&self.inputs, &self.report)
    }

    /// One line per queue, as `wfm simulate` prints on stderr.
    pub fn summary_lines(&self) -> Vec<String> {
        summary_lines(&self.summary)
    }
}

/// Simulates `staffing` against the forecast: what `wfm simulate` runs once it has read
/// the files. `zone` is the site's: roster and shift times are local to it.
pub fn simulate_staffing(
    forecast: &[ForecastRow],
    staffing: Staffing<'_>,
    targets: &QueueTargets,
    zone: Tz,
    settings: &Settings,
    sources: &Sources<'_>,
) -> Result<Simulation> {
    let options = settings.options()?;
    let inputs = build_inputs(forecast, staffing, targets, zone, settings, sources)?;
    let report = simulate(&inputs.scenario, options)?;
    let summary = summary(&inputs, &report, settings, staffing);
    Ok(Simulation {
        inputs,
        report,
        summary,
    })
}

/// Numbers rows as their file has them: the header on line 1, then one row a line.
fn as_written<T: Clone>(rows: &[T]) -> Vec<(u64, T)> {
    rows.iter()
        .cloned()
        .enumerate()
        .map(|(index, row)| (index as u64 + 2, row))
        .collect()
}

/// Simulates a roster held in memory (`wfm plan`): its rows as `roster.csv` has them,
/// so messages name `roster.csv` and the row's line in it, and `forecast.csv`.
pub fn simulate_roster(
    forecast: &[ForecastRow],
    roster: &[RosterRow],
    targets: &QueueTargets,
    zone: Tz,
    settings: &Settings,
) -> Result<Simulation> {
    let rows = as_written(roster);
    let sources = Sources {
        forecast: Path::new("forecast.csv"),
        staffing: Path::new("roster.csv"),
    };
    simulate_staffing(
        forecast,
        Staffing::Roster(&rows),
        targets,
        zone,
        settings,
        &sources,
    )
}

/// Simulates an anonymous schedule held in memory (`wfm plan` without agents): its rows
/// as `shifts.csv` has them, each row's count of shifts becoming as many agents logged
/// into every queue of the forecast.
pub fn simulate_shifts(
    forecast: &[ForecastRow],
    shifts: &[ShiftRow],
    targets: &QueueTargets,
    zone: Tz,
    settings: &Settings,
) -> Result<Simulation> {
    let rows = as_written(shifts);
    let sources = Sources {
        forecast: Path::new("forecast.csv"),
        staffing: Path::new("shifts.csv"),
    };
    simulate_staffing(
        forecast,
        Staffing::Shifts(&rows),
        targets,
        zone,
        settings,
        &sources,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::{Absence, HandleTime, VolumeSource};

    #[test]
    fn settings_parse_from_a_config_section() {
        let settings: Settings = toml::from_str(
            "routing = \"skills\"\nabsence = \"whole-day\"\naht_distribution = \"lognormal\"\n\
             aht_cv = 0.8\nvolume = \"interval\"\ninterval_level = \"90%\"\nreplications = 10\n",
        )
        .unwrap();
        assert_eq!(
            settings,
            Settings {
                routing: Routing::Skills,
                absence: Absence::WholeDay,
                aht_distribution: AhtDistribution::Lognormal,
                aht_cv: Some(0.8),
                volume: VolumeSource::Interval,
                interval_level: 0.9,
                replications: 10,
                seed: 7,
            }
        );
        assert_eq!(
            settings.options().unwrap().handle_time,
            HandleTime::Lognormal { cv: 0.8 }
        );
        let empty: Settings = toml::from_str("").unwrap();
        assert_eq!(empty, Settings::default());
        assert!(toml::from_str::<Settings>("absence = \"sometimes\"").is_err());
        assert!(toml::from_str::<Settings>("shrinkage = 0.3").is_err());
    }

    #[test]
    fn bad_settings_are_refused() {
        let exponential_cv = Settings {
            aht_cv: Some(0.5),
            ..Settings::default()
        };
        assert_eq!(
            exponential_cv.options().unwrap_err().to_string(),
            "aht_cv 0.5: exponential handle times have a coefficient of variation of 1; \
             use aht_distribution lognormal for another"
        );
        let zero_cv = Settings {
            aht_distribution: AhtDistribution::Lognormal,
            aht_cv: Some(0.0),
            ..Settings::default()
        };
        assert!(zero_cv.options().is_err());
        let one = Settings {
            replications: 1,
            ..Settings::default()
        };
        assert!(one.options().is_err());
    }
}
