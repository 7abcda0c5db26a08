//! What a simulation is asked to do apart from its data: the routing, absence, handle
//! times, volume and replications ([`Settings`], a `[simulation]` section's keys), and
//! who answers ([`Staffing`]) with the names of the files for messages ([`Sources`]).

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use super::volume::VolumeSource;
use super::{Absence, HandleTime, Options};
use crate::error::{Error, Result};
use crate::roster::RosterRow;
use crate::schedule::ShiftRow;
use crate::staff::Share;

/// How calls find agents: the roster's declared routing. Under `skills` an agent is
/// logged into every queue its shift row names (`support;sales:2`) and takes calls of
/// any of them, preferring its lower-numbered priorities.
pub use crate::roster::Routing;

/// The law of handle times (with [`Settings::aht_cv`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum AhtDistribution {
    /// Exponential (coefficient of variation 1), as the Erlang models assume.
    #[default]
    Exponential,
    /// Lognormal with the coefficient of variation `aht_cv`.
    Lognormal,
}

/// Everything about a simulation that is not data: the keys a `[simulate]` section
/// of a config would hold (`routing = "skills"`, `absence = "whole-day"`,
/// `aht_distribution = "lognormal"`, `aht_cv = 0.8`, `volume = "interval"`,
/// `interval_level = "80%"`, `replications = 30`, `seed = 7`), and `wfm simulate`'s
/// flags. Every key is optional; the defaults are [`Settings::default`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `assigned` (default) or `skills`; a shifts.csv is always simulated under
    /// `skills`.
    pub routing: Routing,
    /// `whole-day` (default), `per-slot` or `none`.
    pub absence: Absence,
    /// `exponential` (default) or `lognormal`.
    pub aht_distribution: AhtDistribution,
    /// The handle times' coefficient of variation: 1 for `exponential` (the only value
    /// it allows), any value above 0 for `lognormal` (default 1).
    pub aht_cv: Option<f64>,
    /// `point` (default) or `interval`.
    pub volume: VolumeSource,
    /// The coverage of the forecast's prediction interval (`wfm forecast --level`,
    /// 80% by default), for `volume = "interval"`.
    #[serde(deserialize_with = "share")]
    pub interval_level: f64,
    /// At least 2.
    pub replications: u32,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            routing: Routing::Assigned,
            absence: Absence::WholeDay,
            aht_distribution: AhtDistribution::Exponential,
            aht_cv: None,
            volume: VolumeSource::Point,
            interval_level: 0.8,
            replications: 30,
            seed: 7,
        }
    }
}

fn share<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<f64, D::Error> {
    Share::deserialize(deserializer).map(|Share(value)| value)
}

impl Settings {
    /// The engine's options; errors (exit code 2) on a CV that the distribution cannot
    /// have, an interval level outside (0, 1) or fewer than 2 replications.
    pub fn options(&self) -> Result<Options> {
        let handle_time = match (self.aht_distribution, self.aht_cv) {
            (AhtDistribution::Exponential, None | Some(1.0)) => HandleTime::Exponential,
            (AhtDistribution::Exponential, Some(cv)) => {
                return Err(Error::input(format!(
                    "aht_cv {cv}: exponential handle times have a coefficient of variation \
                     of 1; use aht_distribution lognormal for another"
                )))
            }
            (AhtDistribution::Lognormal, cv) => {
                let cv = cv.unwrap_or(1.0);
                if !(cv.is_finite() && cv > 0.0) {
                    return Err(Error::input(format!("aht_cv must be above 0, found {cv}")));
                }
                HandleTime::Lognormal { cv }
            }
        };
        if !(self.interval_level > 0.0 && self.interval_level < 1.0) {
            return Err(Error::input(format!(
                "interval_level must be above 0% and below 100%, found {}",
                self.interval_level
            )));
        }
        if self.replications < 2 {
            return Err(Error::input(format!(
                "a simulation needs at least 2 replications for a confidence interval, \
                 found {}",
                self.replications
            )));
        }
        Ok(Options {
            replications: self.replications,
            seed: self.seed,
            absence: self.absence,
            handle_time,
        })
    }
}

/// Who answers: named agents on a roster, or an anonymous schedule. Rows carry the line
/// they are on in their file, for messages.
#[derive(Debug, Clone, Copy)]
pub enum Staffing<'a> {
    /// `roster.csv` rows (routing [`Settings::routing`]).
    Roster(&'a [(u64, RosterRow)]),
    /// `shifts.csv` rows (routing `skills` over every queue of the forecast).
    Shifts(&'a [(u64, ShiftRow)]),
}

/// The names of the inputs, for messages.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub forecast: &'a Path,
    /// The roster or shifts file.
    pub staffing: &'a Path,
}
