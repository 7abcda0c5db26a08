//! Contracts (`contracts.toml`): which templates an agent may work and the labour
//! rules that bind every roster, plus the weights of the soft goals. Everything is
//! checked against `shifts.toml` when read, so a contract that no roster can satisfy
//! (e.g. more minimum hours than its days and templates allow) is an input error with
//! its line, not an infeasible model later.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::schedule::ShiftConfig;
use crate::units::{format_clock_minutes, parse_clock_minutes, parse_duration_seconds};

/// One validated contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub name: String,
    /// Indexes into `ShiftConfig::templates`.
    pub templates: Vec<usize>,
    /// Paid hours per Monday-to-Sunday week (leave credits count, see `leave_day_hours`).
    pub min_hours_per_week: f64,
    pub max_hours_per_week: f64,
    pub max_days_per_week: u32,
    /// `None`: no limit.
    pub max_consecutive_days: Option<u32>,
    /// Minutes from the end of one shift to the start of the next.
    pub min_rest_minutes: u32,
    pub days_off_per_week: u32,
    /// Soft: days off should come in runs of two or more (no work-off-work pattern).
    pub consecutive_days_off: bool,
    /// In every run of four consecutive weekends, at most this many with work on the
    /// Saturday or the Sunday.
    pub max_weekends_per_4_weeks: u32,
    /// Paid hours a whole day of leave counts towards the weekly hours.
    pub leave_day_hours: f64,
    /// How a day the calendar closes the site counts towards the weekly minimum.
    pub closed_day_credit: ClosedDayCredit,
}

/// How a closed day (the calendar's `closed`) counts towards a week's minimum hours:
/// nobody works it, so without a credit a full-timer would be pushed onto the other
/// days to make up the hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClosedDayCredit {
    /// No credit: the week's minimum stays whole.
    None,
    /// The minimum shrinks by a seventh per closed day (as for a week cut by the
    /// horizon): the default, which keeps a full-timer's week whole without
    /// inventing work.
    #[default]
    ProRata,
    /// Each closed day counts the contract's `leave_day_hours`, like a day of leave.
    Hours,
}

impl ClosedDayCredit {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "none" => Some(ClosedDayCredit::None),
            "pro-rata" => Some(ClosedDayCredit::ProRata),
            "hours" => Some(ClosedDayCredit::Hours),
            _ => None,
        }
    }
}

impl Contract {
    /// Days an agent may work in a week: the tighter of `max_days_per_week` and
    /// `7 - days_off_per_week`.
    pub fn working_days_per_week(&self) -> u32 {
        self.max_days_per_week
            .min(7u32.saturating_sub(self.days_off_per_week))
    }
}

/// Weights of the soft goals, in the objective's cost units (those of
/// `cost_per_hour` and `[penalties]` in `shifts.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct SoftWeights {
    /// Per preference (preferred_off / preferred_on row) not honoured.
    pub preference: f64,
    /// Per single day off between two working days, for contracts that want
    /// consecutive days off.
    pub isolated_day_off: f64,
    /// Per weekend of the most-weekend agent of each contract: spreads weekends.
    pub weekend_spread: f64,
    /// Per early and per late shift of the agent with most of them, per contract.
    pub early_late_spread: f64,
    /// Per hour between the most and the least paid agent of each contract.
    pub hours_spread_per_hour: f64,
    /// Per agent-hour on a queue of priority p > 1, times (p - 1): agents work their
    /// primary skill unless another queue needs them.
    pub secondary_skill_per_agent_hour: f64,
}

impl Default for SoftWeights {
    fn default() -> Self {
        SoftWeights {
            preference: 1.0,
            isolated_day_off: 0.5,
            weekend_spread: 1.0,
            early_late_spread: 0.25,
            hours_spread_per_hour: 0.05,
            secondary_skill_per_agent_hour: 0.01,
        }
    }
}

/// Which shifts count as early or late for the fair spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fairness {
    /// A shift starting before this (minutes after midnight) is early.
    pub early_start_before: u32,
    /// A shift ending after this (minutes after its date's midnight) is late.
    pub late_end_after: u32,
}

impl Default for Fairness {
    fn default() -> Self {
        Fairness {
            early_start_before: 8 * 60,
            late_end_after: 20 * 60,
        }
    }
}

/// Everything `contracts.toml` holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Contracts {
    /// Sorted by name.
    pub contracts: Vec<Contract>,
    pub soft: SoftWeights,
    pub fairness: Fairness,
}

impl Contracts {
    /// Index of the contract called `name`.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.contracts.iter().position(|c| c.name == name)
    }

    /// Reads and validates `contracts.toml` against the templates of `shifts.toml`.
    pub fn from_file(path: &Path, shifts: &ShiftConfig) -> Result<Self> {
        let text = crate::input::read_text(path)?;
        Self::from_toml(&text, &crate::input::display_name(path), shifts)
    }

    /// Parses and validates the TOML text; `name` labels error messages.
    pub fn from_toml(text: &str, name: &str, shifts: &ShiftConfig) -> Result<Self> {
        let raw: ContractsToml =
            toml::from_str(text).map_err(|e| Error::input(format!("{name}: {e}")))?;
        if raw.contract.is_empty() {
            return Err(Error::input(format!(
                "{name}: no [contract.NAME] table; expected at least one contract"
            )));
        }
        let line_of =
            |offset: usize| text[..offset.min(text.len())].matches('\n').count() as u64 + 1;
        let mut contracts = Vec::new();
        for (contract_name, spanned) in &raw.contract {
            let line = line_of(spanned.span().start);
            contracts.push(parse_contract(
                contract_name,
                spanned.get_ref(),
                line,
                &line_of,
                name,
                shifts,
            )?);
        }
        let defaults = SoftWeights::default();
        let soft = raw.soft.map_or(defaults.clone(), |soft| SoftWeights {
            preference: soft.preference.unwrap_or(defaults.preference),
            isolated_day_off: soft.isolated_day_off.unwrap_or(defaults.isolated_day_off),
            weekend_spread: soft.weekend_spread.unwrap_or(defaults.weekend_spread),
            early_late_spread: soft.early_late_spread.unwrap_or(defaults.early_late_spread),
            hours_spread_per_hour: soft
                .hours_spread_per_hour
                .unwrap_or(defaults.hours_spread_per_hour),
            secondary_skill_per_agent_hour: soft
                .secondary_skill_per_agent_hour
                .unwrap_or(defaults.secondary_skill_per_agent_hour),
        });
        let weights = [
            soft.preference,
            soft.isolated_day_off,
            soft.weekend_spread,
            soft.early_late_spread,
            soft.hours_spread_per_hour,
            soft.secondary_skill_per_agent_hour,
        ];
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(Error::input(format!(
                "{name}: [soft] weights must be zero or more"
            )));
        }
        let mut fairness = Fairness::default();
        if let Some(raw_fairness) = raw.fairness {
            let clock = |key: &str, value: &str| {
                parse_clock_minutes(value)
                    .map_err(|e| Error::input(format!("{name}: fairness.{key}: {e}")))
            };
            if let Some(value) = &raw_fairness.early_start_before {
                fairness.early_start_before = clock("early_start_before", value)?;
            }
            if let Some(value) = &raw_fairness.late_end_after {
                fairness.late_end_after = clock("late_end_after", value)?;
            }
        }
        Ok(Contracts {
            contracts,
            soft,
            fairness,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractsToml {
    #[serde(default)]
    contract: BTreeMap<String, Spanned<ContractToml>>,
    soft: Option<SoftToml>,
    fairness: Option<FairnessToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContractToml {
    templates: Vec<Spanned<String>>,
    min_hours_per_week: Option<Spanned<f64>>,
    max_hours_per_week: Option<Spanned<f64>>,
    max_days_per_week: Option<Spanned<u32>>,
    max_consecutive_days: Option<Spanned<u32>>,
    min_rest: Option<Spanned<String>>,
    days_off_per_week: Option<Spanned<u32>>,
    consecutive_days_off: Option<bool>,
    max_weekends_per_4_weeks: Option<Spanned<u32>>,
    leave_day_hours: Option<Spanned<f64>>,
    closed_day_credit: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SoftToml {
    preference: Option<f64>,
    isolated_day_off: Option<f64>,
    weekend_spread: Option<f64>,
    early_late_spread: Option<f64>,
    hours_spread_per_hour: Option<f64>,
    secondary_skill_per_agent_hour: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FairnessToml {
    early_start_before: Option<String>,
    late_end_after: Option<String>,
}

/// Hours in a week: the default maximum when none is given.
const WEEK_HOURS: f64 = 168.0;

fn parse_contract(
    contract_name: &str,
    raw: &ContractToml,
    line: u64,
    line_of: &dyn Fn(usize) -> u64,
    file: &str,
    shifts: &ShiftConfig,
) -> Result<Contract> {
    let site = ContractSite {
        name: contract_name,
        line,
        line_of,
        file,
    };
    let templates = site.templates(&raw.templates, shifts)?;
    let min_hours = site.hours(&raw.min_hours_per_week, "min_hours_per_week", 0.0)?;
    let max_hours = site.hours(&raw.max_hours_per_week, "max_hours_per_week", WEEK_HOURS)?;
    let max_days = site.days(&raw.max_days_per_week, "max_days_per_week", 7, (0, 7))?;
    let days_off = site.days(&raw.days_off_per_week, "days_off_per_week", 0, (0, 7))?;
    let max_weekends = site.days(
        &raw.max_weekends_per_4_weeks,
        "max_weekends_per_4_weeks",
        4,
        (0, 4),
    )?;
    let max_consecutive_days = match &raw.max_consecutive_days {
        Some(_) => Some(site.days(
            &raw.max_consecutive_days,
            "max_consecutive_days",
            7,
            (1, 366),
        )?),
        None => None,
    };
    let min_rest_minutes = site.min_rest(&raw.min_rest)?;
    let mut contract = Contract {
        name: contract_name.to_string(),
        templates,
        min_hours_per_week: min_hours,
        max_hours_per_week: max_hours,
        max_days_per_week: max_days,
        max_consecutive_days,
        min_rest_minutes,
        days_off_per_week: days_off,
        consecutive_days_off: raw.consecutive_days_off.unwrap_or(false),
        max_weekends_per_4_weeks: max_weekends,
        leave_day_hours: 0.0,
        closed_day_credit: site.closed_day_credit(&raw.closed_day_credit)?,
    };
    site.check_hours(raw, &contract, shifts)?;
    let working_days = contract.working_days_per_week();
    let default_leave = if working_days > 0 {
        min_hours / f64::from(working_days)
    } else {
        0.0
    };
    contract.leave_day_hours =
        site.hours(&raw.leave_day_hours, "leave_day_hours", default_leave)?;
    Ok(contract)
}

/// Where a contract's values are in contracts.toml, for error messages.
struct ContractSite<'a> {
    name: &'a str,
    /// The contract's own line.
    line: u64,
    line_of: &'a dyn Fn(usize) -> u64,
    file: &'a str,
}

impl ContractSite<'_> {
    /// `contract.NAME.FIELD`.
    fn key(&self, field: &str) -> String {
        format!("contract.{}.{field}", self.name)
    }

    /// The line of `value`, or the contract's when it is not given.
    fn line_of_value<T>(&self, value: &Option<Spanned<T>>) -> u64 {
        value
            .as_ref()
            .map_or(self.line, |v| (self.line_of)(v.span().start))
    }

    /// The contract's templates as indexes into `shifts.templates`, each once.
    fn templates(&self, names: &[Spanned<String>], shifts: &ShiftConfig) -> Result<Vec<usize>> {
        let mut templates = Vec::new();
        for template in names {
            let index = shifts
                .templates
                .iter()
                .position(|t| &t.name == template.get_ref())
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        shifts.templates.iter().map(|t| t.name.as_str()).collect();
                    Error::at(
                        self.file,
                        (self.line_of)(template.span().start),
                        &self.key("templates"),
                        template.get_ref(),
                        &format!("a template of shifts.toml ({})", known.join(", ")),
                    )
                })?;
            if !templates.contains(&index) {
                templates.push(index);
            }
        }
        if templates.is_empty() {
            return Err(Error::at(
                self.file,
                self.line,
                &self.key("templates"),
                "[]",
                "at least one template",
            ));
        }
        Ok(templates)
    }

    /// Hours in a week, `default` when not given.
    fn hours(&self, value: &Option<Spanned<f64>>, field: &str, default: f64) -> Result<f64> {
        let hours = value.as_ref().map_or(default, |v| *v.get_ref());
        if !(hours.is_finite() && (0.0..=WEEK_HOURS).contains(&hours)) {
            return Err(Error::at(
                self.file,
                self.line_of_value(value),
                &self.key(field),
                &hours.to_string(),
                "hours between 0 and 168",
            ));
        }
        Ok(hours)
    }

    /// A whole number of days (or weekends) in `range`, `default` when not given.
    fn days(
        &self,
        value: &Option<Spanned<u32>>,
        field: &str,
        default: u32,
        range: (u32, u32),
    ) -> Result<u32> {
        let days = value.as_ref().map_or(default, |v| *v.get_ref());
        if !(range.0..=range.1).contains(&days) {
            return Err(Error::at(
                self.file,
                self.line_of_value(value),
                &self.key(field),
                &days.to_string(),
                &format!("a whole number from {} to {}", range.0, range.1),
            ));
        }
        Ok(days)
    }

    /// The minimum rest in whole minutes (0 when not given).
    fn min_rest(&self, value: &Option<Spanned<String>>) -> Result<u32> {
        let Some(text) = value else {
            return Ok(0);
        };
        let at = (self.line_of)(text.span().start);
        let wrong = |expected: &str| {
            Error::at(
                self.file,
                at,
                &self.key("min_rest"),
                text.get_ref(),
                expected,
            )
        };
        let seconds =
            parse_duration_seconds(text.get_ref()).map_err(|_| wrong("a duration such as 11h"))?;
        if !(0.0..=48.0 * 3600.0).contains(&seconds) || seconds % 60.0 != 0.0 {
            return Err(wrong("whole minutes between 0 and 48h"));
        }
        Ok((seconds / 60.0) as u32)
    }

    /// `closed_day_credit`: `none`, `pro-rata` (the default) or `hours`.
    fn closed_day_credit(&self, value: &Option<Spanned<String>>) -> Result<ClosedDayCredit> {
        let Some(text) = value else {
            return Ok(ClosedDayCredit::default());
        };
        ClosedDayCredit::parse(text.get_ref().trim()).ok_or_else(|| {
            Error::at(
                self.file,
                (self.line_of)(text.span().start),
                &self.key("closed_day_credit"),
                text.get_ref(),
                "none, pro-rata or hours",
            )
        })
    }

    /// The weekly hours must fit each other and the templates: max at least min,
    /// min reachable with the working days and the longest template, and at least
    /// one shortest shift within max (unless max is 0).
    fn check_hours(
        &self,
        raw: &ContractToml,
        contract: &Contract,
        shifts: &ShiftConfig,
    ) -> Result<()> {
        let (min_hours, max_hours) = (contract.min_hours_per_week, contract.max_hours_per_week);
        if max_hours < min_hours {
            return Err(Error::at(
                self.file,
                self.line_of_value(&raw.max_hours_per_week),
                &self.key("max_hours_per_week"),
                &max_hours.to_string(),
                &format!("at least min_hours_per_week ({min_hours})"),
            ));
        }
        let working_days = contract.working_days_per_week();
        let paid = |t: &usize| f64::from(shifts.templates[*t].paid_minutes) / 60.0;
        let longest = contract.templates.iter().map(paid).fold(0.0, f64::max);
        let reachable = f64::from(working_days) * longest;
        if min_hours > reachable + 1e-9 {
            let (max_days, days_off) = (contract.max_days_per_week, contract.days_off_per_week);
            return Err(Error::at(
                self.file,
                self.line_of_value(&raw.min_hours_per_week),
                &self.key("min_hours_per_week"),
                &min_hours.to_string(),
                &format!(
                    "at most {reachable} hours: {working_days} working days a week (max_days_per_week {max_days}, days_off_per_week {days_off}) x {longest} paid hours of the longest template"
                ),
            ));
        }
        let shortest = contract
            .templates
            .iter()
            .map(paid)
            .fold(f64::INFINITY, f64::min);
        // A maximum below every shift lets the contract work nothing: refused unless
        // it says so (max_hours_per_week = 0).
        if (min_hours > 0.0 || max_hours > 0.0) && shortest > max_hours + 1e-9 {
            return Err(Error::at(
                self.file,
                self.line_of_value(&raw.max_hours_per_week),
                &self.key("max_hours_per_week"),
                &max_hours.to_string(),
                &format!("at least one shift of the shortest template ({shortest} h), or 0 for a contract that works no shift"),
            ));
        }
        Ok(())
    }
}

/// `HH:MM` for fairness thresholds in messages.
pub fn format_threshold(minutes: u32) -> String {
    format_clock_minutes(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIFTS: &str = r#"
[[template]]
name = "FT8"
paid_hours = 8.0
start_earliest = "06:00"
start_latest = "14:00"
start_step = "30m"
cost_per_hour = 1.0

[[template]]
name = "PT4"
paid_hours = 4.0
start_earliest = "08:00"
start_latest = "18:00"
start_step = "30m"
cost_per_hour = 1.0
"#;

    const CONTRACTS: &str = r#"[contract.FT]
templates = ["FT8"]
min_hours_per_week = 36.0
max_hours_per_week = 40.0
max_days_per_week = 5
max_consecutive_days = 6
min_rest = "11h"
days_off_per_week = 2
consecutive_days_off = true
max_weekends_per_4_weeks = 3

[contract.PT]
templates = ["PT4", "FT8"]
max_hours_per_week = 24.0
"#;

    fn shifts() -> ShiftConfig {
        ShiftConfig::from_toml(SHIFTS, "shifts.toml").unwrap()
    }

    #[test]
    fn the_documented_example_parses() {
        let contracts = Contracts::from_toml(CONTRACTS, "contracts.toml", &shifts()).unwrap();
        let ft = &contracts.contracts[contracts.find("FT").unwrap()];
        assert_eq!(ft.templates, vec![0]);
        assert_eq!(ft.min_rest_minutes, 660);
        assert_eq!(ft.working_days_per_week(), 5);
        assert_eq!(ft.max_consecutive_days, Some(6));
        assert!((ft.leave_day_hours - 7.2).abs() < 1e-12);
        let pt = &contracts.contracts[contracts.find("PT").unwrap()];
        assert_eq!(pt.templates, vec![1, 0]);
        assert_eq!(pt.min_hours_per_week, 0.0);
        assert_eq!(pt.max_days_per_week, 7);
        assert_eq!(pt.max_weekends_per_4_weeks, 4);
        assert_eq!(contracts.fairness.early_start_before, 480);
    }

    #[test]
    fn unknown_templates_and_impossible_contracts_name_their_line() {
        let unknown = CONTRACTS.replace("[\"FT8\"]", "[\"FT9\"]");
        assert_eq!(
            Contracts::from_toml(&unknown, "contracts.toml", &shifts())
                .unwrap_err()
                .to_string(),
            "contracts.toml: line 2, column \"contract.FT.templates\": found \"FT9\"; expected a template of shifts.toml (FT8, PT4)"
        );
        let too_many_hours = CONTRACTS.replace("max_days_per_week = 5", "max_days_per_week = 4");
        assert_eq!(
            Contracts::from_toml(&too_many_hours, "contracts.toml", &shifts())
                .unwrap_err()
                .to_string(),
            "contracts.toml: line 3, column \"contract.FT.min_hours_per_week\": found \"36\"; expected at most 32 hours: 4 working days a week (max_days_per_week 4, days_off_per_week 2) x 8 paid hours of the longest template"
        );
        let inverted = CONTRACTS.replace("max_hours_per_week = 40.0", "max_hours_per_week = 30.0");
        assert!(Contracts::from_toml(&inverted, "contracts.toml", &shifts())
            .unwrap_err()
            .to_string()
            .starts_with("contracts.toml: line 4, column \"contract.FT.max_hours_per_week\""));
        let bad_rest = CONTRACTS.replace("\"11h\"", "\"soon\"");
        assert!(Contracts::from_toml(&bad_rest, "contracts.toml", &shifts())
            .unwrap_err()
            .to_string()
            .starts_with("contracts.toml: line 7, column \"contract.FT.min_rest\""));
    }
}
