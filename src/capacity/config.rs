//! `[capacity]` and `[[scenario]]` of `plan.toml`: the long-range plan's settings.
//!
//! They live in the same file as the monthly plan (same history, calendar, agents,
//! contracts and service targets), so a site keeps one config. `wfm plan` accepts and
//! ignores them; here they are read with unknown keys refused, as every other section.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::staff::Share;
use crate::units::{parse_duration_seconds, parse_service_level, parse_share};

use super::headcount::{Ramp, Workforce};
use super::hiring::{ClassRules, Costs};

/// Weeks planned when neither `--weeks` nor `[capacity] weeks` says.
pub const DEFAULT_WEEKS: u32 = 52;
/// Longest plan, weeks (three years: beyond, a weekly forecast is guesswork).
pub const MAX_WEEKS: u32 = 156;
/// Annual attrition when none is given: the middle of the 15-30% a year usual in
/// contact centers (e.g. the Contact Babel UK Contact Centre Decision-Makers' Guide
/// reports 20-30% agent attrition year after year).
pub const DEFAULT_ANNUAL_ATTRITION: f64 = 0.25;
/// Weeks from opening a requisition to a class's first day.
pub const DEFAULT_RECRUITING_WEEKS: u32 = 4;
/// Weeks of classroom training (paid, not productive).
pub const DEFAULT_TRAINING_WEEKS: u32 = 3;
/// Productive share in the first week after training ...
pub const DEFAULT_RAMP_START: f64 = 0.5;
/// ... rising in a straight line to 100% in this week after training.
pub const DEFAULT_RAMP_WEEKS: u32 = 8;
/// Smallest class worth running (a trainer's fixed cost).
pub const DEFAULT_MIN_CLASS: u32 = 5;
/// Largest class one trainer takes.
pub const DEFAULT_MAX_CLASS: u32 = 15;
/// Trainees in the classroom at once (two trainers' classes).
pub const DEFAULT_TRAINING_CAPACITY: u32 = 30;
/// Cost of one hire: recruiting, vetting, equipment (currency units, as shifts.toml).
pub const DEFAULT_HIRE_COST: f64 = 3000.0;
/// Paid cost of one FTE for one week (40 h at 15/h).
pub const DEFAULT_WEEKLY_SALARY: f64 = 600.0;
/// Penalty per FTE-week below the requirement: above a week's salary, so a gap that
/// lasts is worth a hire, below what a missed service level costs in overtime and
/// lost calls.
pub const DEFAULT_UNDER_COST: f64 = 1500.0;
/// Penalty per FTE-week above the requirement, on top of the salary it already costs.
pub const DEFAULT_OVER_COST: f64 = 0.0;
/// Weeks of recent history whose intraday pattern makes the typical week.
pub const DEFAULT_PATTERN_WEEKS: u32 = 8;
/// Relative gap the hiring MIP is solved to: it stops on it (not on a clock), so the
/// same inputs give the same plan. Proving much less is slow for little: on 20 queues
/// (about 500 FTE, 50-100 hires a year) 0.01% took 11-30 s per scenario, 0.2% about
/// 1 s, and the plans' costs differed by under 0.03%; the forecast's own error at 26
/// weeks is some 15%.
pub const DEFAULT_MIP_GAP: f64 = 0.002;
/// Weeks in a year, for annual rates: 365.25 / 7.
pub const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;

/// `[capacity]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CapacityToml {
    start: Option<String>,
    weeks: Option<u32>,
    fte_hours: Option<f64>,
    headcount: Option<f64>,
    contract_hours: Option<String>,
    attrition: Option<Share>,
    attrition_weekly: Option<Share>,
    new_hire_attrition: Option<Share>,
    new_hire_weeks: Option<u32>,
    recruiting_weeks: Option<u32>,
    training_weeks: Option<u32>,
    ramp: Option<Vec<Share>>,
    ramp_start: Option<Share>,
    ramp_weeks: Option<u32>,
    min_class: Option<u32>,
    max_class: Option<u32>,
    training_capacity: Option<u32>,
    hire_cost: Option<f64>,
    weekly_salary: Option<f64>,
    under_cost: Option<f64>,
    over_cost: Option<f64>,
    pattern_weeks: Option<u32>,
    mip_gap: Option<Share>,
}

/// `[[scenario]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioToml {
    name: String,
    volume: Option<String>,
    aht: Option<String>,
    sl: Option<String>,
    shrinkage: Option<Share>,
    attrition: Option<Share>,
    from: Option<String>,
}

/// The validated `[capacity]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacitySettings {
    /// First planned week (a Monday); `None`: the Monday after the history.
    pub start: Option<NaiveDate>,
    pub weeks: u32,
    /// Paid hours per FTE and week; `None`: the longest contract week.
    pub fte_hours: Option<f64>,
    /// Current FTE; `None`: counted from agents.csv.
    pub headcount: Option<f64>,
    /// Which hours of its contract an agent of agents.csv counts.
    pub contract_hours: ContractHours,
    pub workforce: Workforce,
    pub classes: ClassRules,
    pub costs: Costs,
    pub pattern_weeks: u32,
    pub mip_gap: f64,
}

/// The weekly hours an agent of `agents.csv` counts, from its contract's range
/// (`[capacity] contract_hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContractHours {
    /// `min_hours_per_week`: what the contract guarantees.
    Min,
    /// The middle of the range: what a roster gives on average when it uses the range
    /// both ways (the default).
    #[default]
    Mid,
    /// `max_hours_per_week`: the most the site may schedule.
    Max,
}

impl ContractHours {
    fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "min" => Ok(ContractHours::Min),
            "mid" => Ok(ContractHours::Mid),
            "max" => Ok(ContractHours::Max),
            other => Err(format!(
                "capacity.contract_hours = \"{other}\"; expected \"min\", \"mid\" or \"max\""
            )),
        }
    }

    /// The hours counted of a contract of `min` to `max` hours a week.
    pub fn of(self, min: f64, max: f64) -> f64 {
        match self {
            ContractHours::Min => min,
            ContractHours::Mid => (min + max) / 2.0,
            ContractHours::Max => max,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ContractHours::Min => "min",
            ContractHours::Mid => "mid",
            ContractHours::Max => "max",
        }
    }
}

/// How a scenario changes handle time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AhtChange {
    /// Seconds added to every interval's AHT (`+15s`).
    Seconds(f64),
    /// A factor on it (`+10%` is 1.1).
    Factor(f64),
}

impl AhtChange {
    /// The AHT after the change (never below one second).
    pub fn apply(self, aht: f64) -> f64 {
        match self {
            AhtChange::Seconds(seconds) => (aht + seconds).max(1.0),
            AhtChange::Factor(factor) => (aht * factor).max(1.0),
        }
    }
}

/// One what-if: changes to the baseline, from a week on.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// Factor on forecast volume (`+10%`: 1.1).
    pub volume: f64,
    pub aht: Option<AhtChange>,
    /// (service level, answer within seconds) for every queue.
    pub sl: Option<(f64, f64)>,
    /// Shrinkage for every queue.
    pub shrinkage: Option<f64>,
    /// Annual attrition of tenured staff.
    pub attrition: Option<f64>,
    /// The changes apply from the week holding this date; `None`: from the start.
    pub from: Option<NaiveDate>,
}

impl Scenario {
    /// No change: the baseline.
    pub fn baseline() -> Self {
        Scenario {
            name: "baseline".into(),
            volume: 1.0,
            aht: None,
            sl: None,
            shrinkage: None,
            attrition: None,
            from: None,
        }
    }

    /// The changes as a short text for tables (`volume +10%, aht +15s`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.volume != 1.0 {
            parts.push(format!("volume {}", signed_percent(self.volume - 1.0)));
        }
        match self.aht {
            Some(AhtChange::Seconds(s)) => parts.push(format!("aht {s:+}s")),
            Some(AhtChange::Factor(f)) => parts.push(format!("aht {}", signed_percent(f - 1.0))),
            None => {}
        }
        if let Some((level, within)) = self.sl {
            parts.push(format!(
                "sl {}/{}",
                crate::units::format_number(level * 100.0, 2),
                crate::units::format_number(within, 1)
            ));
        }
        if let Some(shrinkage) = self.shrinkage {
            parts.push(format!(
                "shrinkage {}%",
                crate::units::format_number(shrinkage * 100.0, 2)
            ));
        }
        if let Some(attrition) = self.attrition {
            parts.push(format!(
                "attrition {}%/year",
                crate::units::format_number(attrition * 100.0, 2)
            ));
        }
        if let Some(from) = self.from {
            parts.push(format!("from {from}"));
        }
        if parts.is_empty() {
            "as forecast".into()
        } else {
            parts.join(", ")
        }
    }
}

fn signed_percent(change: f64) -> String {
    let text = crate::units::format_number(crate::units::round(change * 100.0, 4), 4);
    if change >= 0.0 {
        format!("+{text}%")
    } else {
        format!("{text}%")
    }
}

/// A relative volume change: `+10%`, `-5%` (a factor of 1.1, 0.95).
pub fn parse_volume_change(text: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "\"{text}\" is not a volume change; expected a signed percentage such as +10% or -5%"
        )
    };
    let trimmed = text.trim();
    let number = trimmed.strip_suffix('%').ok_or_else(bad)?;
    let change: f64 = number.trim().parse().map_err(|_| bad())?;
    let factor = 1.0 + change / 100.0;
    if !(factor.is_finite() && factor >= 0.0) {
        return Err(format!("\"{text}\": volume cannot fall below zero"));
    }
    Ok(factor)
}

/// An AHT change: seconds added (`+15s`, `-10s`, `+1m`) or a percentage (`+10%`).
pub fn parse_aht_change(text: &str) -> Result<AhtChange, String> {
    let trimmed = text.trim();
    let bad = || {
        format!("\"{text}\" is not an AHT change; expected seconds such as +15s or -10s, or a percentage such as +10%")
    };
    if let Some(number) = trimmed.strip_suffix('%') {
        let change: f64 = number.trim().parse().map_err(|_| bad())?;
        let factor = 1.0 + change / 100.0;
        return if factor.is_finite() && factor > 0.0 {
            Ok(AhtChange::Factor(factor))
        } else {
            Err(bad())
        };
    }
    let (sign, rest) = match trimmed.as_bytes().first() {
        Some(b'+') => (1.0, &trimmed[1..]),
        Some(b'-') => (-1.0, &trimmed[1..]),
        _ => return Err(bad()),
    };
    if rest.trim().parse::<f64>().is_ok() {
        return Err(bad());
    }
    let seconds = parse_duration_seconds(rest).map_err(|_| bad())?;
    Ok(AhtChange::Seconds(sign * seconds))
}

/// A service-level target for every queue, `90/30`; checked to lie in (0, 1].
pub fn parse_sl(text: &str) -> Result<(f64, f64), String> {
    let (level, within) = parse_service_level(text).map_err(|e| e.to_string())?;
    if !(level > 0.0 && level <= 1.0 && within >= 0.0) {
        return Err(format!(
            "\"{text}\": expected a service level above 0% and up to 100%, answered within 0 s or more"
        ));
    }
    Ok((level, within))
}

/// A shrinkage for every queue: from 0% to below 100%.
pub fn parse_shrinkage(text: &str) -> Result<f64, String> {
    let share = parse_share(text).map_err(|e| e.to_string())?;
    check_shrinkage(share)
}

fn check_shrinkage(share: f64) -> Result<f64, String> {
    if (0.0..1.0).contains(&share) {
        Ok(share)
    } else {
        Err(format!(
            "shrinkage {}% must be at least 0% and below 100%",
            crate::units::format_number(share * 100.0, 2)
        ))
    }
}

/// A weekly rate from an annual one: 1 - (1 - annual)^(1 / 52.18), so that 52.18
/// weeks at the weekly rate lose the annual share (compounded, not divided).
pub fn weekly_from_annual(annual: f64) -> f64 {
    1.0 - (1.0 - annual).powf(1.0 / WEEKS_PER_YEAR)
}

/// Reads `[capacity]` and every `[[scenario]]` of a plan.toml's text; errors name the
/// section and key (the caller adds the file).
pub fn read_sections(text: &str) -> Result<(CapacitySettings, Vec<Scenario>), String> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let capacity: CapacityToml = match table.remove("capacity") {
        None => CapacityToml::default(),
        Some(value) => value
            .try_into()
            .map_err(|e: toml::de::Error| format!("[capacity]: {}", e.message()))?,
    };
    let settings = settings(&capacity)?;
    let scenarios = match table.remove("scenario") {
        None => Vec::new(),
        Some(toml::Value::Array(blocks)) => blocks
            .into_iter()
            .enumerate()
            .map(|(i, block)| {
                let raw: ScenarioToml = block.try_into().map_err(|e: toml::de::Error| {
                    format!("[[scenario]] number {}: {}", i + 1, e.message())
                })?;
                scenario(&raw).map_err(|e| format!("[[scenario]] \"{}\": {e}", raw.name))
            })
            .collect::<Result<Vec<_>, String>>()?,
        Some(_) => return Err("scenario: expected [[scenario]] blocks".into()),
    };
    check_names(&scenarios)?;
    Ok((settings, scenarios))
}

/// Scenario names are their rows in scenarios.csv: unique, and none is `baseline`.
pub fn check_names(scenarios: &[Scenario]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for scenario in scenarios {
        let name = scenario.name.trim();
        if name.is_empty() {
            return Err("[[scenario]]: name is empty".into());
        }
        if name == "baseline" || !seen.insert(name.to_string()) {
            return Err(format!(
                "[[scenario]] name \"{name}\" is taken (names are unique and \"baseline\" is the plan itself)"
            ));
        }
    }
    Ok(())
}

fn scenario(raw: &ScenarioToml) -> Result<Scenario, String> {
    let key = |name: &str, e: String| format!("{name}: {e}");
    let from = raw
        .from
        .as_deref()
        .map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| format!("from = \"{text}\"; expected YYYY-MM-DD"))
        })
        .transpose()?;
    Ok(Scenario {
        name: raw.name.trim().to_string(),
        volume: raw
            .volume
            .as_deref()
            .map(parse_volume_change)
            .transpose()
            .map_err(|e| key("volume", e))?
            .unwrap_or(1.0),
        aht: raw
            .aht
            .as_deref()
            .map(parse_aht_change)
            .transpose()
            .map_err(|e| key("aht", e))?,
        sl: raw
            .sl
            .as_deref()
            .map(parse_sl)
            .transpose()
            .map_err(|e| key("sl", e))?,
        shrinkage: raw
            .shrinkage
            .map(|Share(s)| check_shrinkage(s))
            .transpose()
            .map_err(|e| key("shrinkage", e))?,
        attrition: raw
            .attrition
            .map(|Share(a)| annual_rate("attrition", a))
            .transpose()?,
        from,
    })
}

fn annual_rate(key: &str, rate: f64) -> Result<f64, String> {
    if (0.0..1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!(
            "{key} = {}%; expected a share from 0% to below 100%",
            crate::units::format_number(rate * 100.0, 4)
        ))
    }
}

fn positive(key: &str, value: Option<f64>, default: f64) -> Result<f64, String> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => Err(format!(
            "capacity.{key} = {v}; expected a number, 0 or more"
        )),
    }
}

fn settings(raw: &CapacityToml) -> Result<CapacitySettings, String> {
    let start = raw
        .start
        .as_deref()
        .map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .ok()
                .filter(|date| date.weekday() == Weekday::Mon)
                .ok_or_else(|| {
                    format!("capacity.start = \"{text}\"; expected a Monday, YYYY-MM-DD")
                })
        })
        .transpose()?;
    let weeks =
        check_weeks(raw.weeks.unwrap_or(DEFAULT_WEEKS)).map_err(|e| format!("capacity.{e}"))?;
    let fte_hours = match raw.fte_hours {
        Some(h) if !(h > 0.0 && h <= 168.0) => {
            return Err(format!(
                "capacity.fte_hours = {h}; expected paid hours per week, above 0 and up to 168"
            ))
        }
        other => other,
    };
    let headcount = match raw.headcount {
        Some(h) if !(h >= 0.0 && h.is_finite()) => {
            return Err(format!(
                "capacity.headcount = {h}; expected the current FTE, 0 or more"
            ))
        }
        other => other,
    };
    let weekly_attrition = match (raw.attrition, raw.attrition_weekly) {
        (Some(_), Some(_)) => {
            return Err("capacity: give attrition (annual) or attrition_weekly, not both".into())
        }
        (Some(Share(annual)), None) => {
            weekly_from_annual(annual_rate("capacity.attrition", annual)?)
        }
        (None, Some(Share(weekly))) => annual_rate("capacity.attrition_weekly", weekly)?,
        (None, None) => weekly_from_annual(DEFAULT_ANNUAL_ATTRITION),
    };
    let new_hire_attrition = match raw.new_hire_attrition {
        Some(Share(annual)) => {
            weekly_from_annual(annual_rate("capacity.new_hire_attrition", annual)?)
        }
        None => weekly_attrition,
    };
    let new_hire_weeks = match (raw.new_hire_attrition, raw.new_hire_weeks) {
        (None, Some(_)) => {
            return Err("capacity.new_hire_weeks needs capacity.new_hire_attrition".into())
        }
        (Some(_), None) => return Err("capacity.new_hire_attrition needs capacity.new_hire_weeks (the tenure it applies up to)".into()),
        (_, weeks) => weeks.unwrap_or(0),
    };
    let ramp = ramp(raw)?;
    let min_class = raw.min_class.unwrap_or(DEFAULT_MIN_CLASS);
    let max_class = raw.max_class.unwrap_or(DEFAULT_MAX_CLASS);
    if max_class == 0 || min_class > max_class {
        return Err(format!(
            "capacity.min_class = {min_class}, max_class = {max_class}; expected 0 < min_class <= max_class"
        ));
    }
    let training_capacity = raw.training_capacity.unwrap_or(DEFAULT_TRAINING_CAPACITY);
    if training_capacity < min_class.max(1) {
        return Err(format!(
            "capacity.training_capacity = {training_capacity}; expected at least min_class ({min_class}), or no class could run"
        ));
    }
    let mip_gap = raw.mip_gap.map_or(DEFAULT_MIP_GAP, |Share(g)| g);
    if !(0.0..0.5).contains(&mip_gap) {
        return Err(format!(
            "capacity.mip_gap = {mip_gap}; expected a share from 0% to below 50%"
        ));
    }
    let pattern_weeks = raw.pattern_weeks.unwrap_or(DEFAULT_PATTERN_WEEKS);
    if !(1..=52).contains(&pattern_weeks) {
        return Err(format!(
            "capacity.pattern_weeks = {pattern_weeks}; expected 1 to 52"
        ));
    }
    let contract_hours = raw
        .contract_hours
        .as_deref()
        .map(ContractHours::parse)
        .transpose()?
        .unwrap_or_default();
    Ok(CapacitySettings {
        start,
        weeks,
        fte_hours,
        headcount,
        contract_hours,
        workforce: Workforce {
            weekly_attrition,
            new_hire_attrition,
            new_hire_weeks,
            recruiting_weeks: raw.recruiting_weeks.unwrap_or(DEFAULT_RECRUITING_WEEKS),
            training_weeks: raw.training_weeks.unwrap_or(DEFAULT_TRAINING_WEEKS),
            ramp,
        },
        classes: ClassRules {
            min_size: min_class,
            max_size: max_class,
            training_capacity,
        },
        costs: Costs {
            hire: positive("hire_cost", raw.hire_cost, DEFAULT_HIRE_COST)?,
            weekly_salary: positive("weekly_salary", raw.weekly_salary, DEFAULT_WEEKLY_SALARY)?,
            under: positive("under_cost", raw.under_cost, DEFAULT_UNDER_COST)?,
            over: positive("over_cost", raw.over_cost, DEFAULT_OVER_COST)?,
        },
        pattern_weeks,
        mip_gap,
    })
}

/// `weeks` in 1..=[`MAX_WEEKS`].
pub fn check_weeks(weeks: u32) -> Result<u32, String> {
    if (1..=MAX_WEEKS).contains(&weeks) {
        Ok(weeks)
    } else {
        Err(format!("weeks = {weeks}; expected 1 to {MAX_WEEKS}"))
    }
}

/// `ramp = [...]` (productive share per week after training), or the straight line
/// from `ramp_start` to 100% in week `ramp_weeks`; not both.
fn ramp(raw: &CapacityToml) -> Result<Ramp, String> {
    let shares = match (&raw.ramp, raw.ramp_start, raw.ramp_weeks) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err("capacity: give ramp = [...] or ramp_start and ramp_weeks, not both".into())
        }
        (Some(list), None, None) => list.iter().map(|Share(s)| *s).collect(),
        (None, start, weeks) => Ramp::linear(
            start.map_or(DEFAULT_RAMP_START, |Share(s)| s),
            weeks.unwrap_or(DEFAULT_RAMP_WEEKS),
        )
        .shares()
        .to_vec(),
    };
    if let Some(bad) = shares.iter().find(|s| !(**s >= 0.0 && **s <= 1.0)) {
        return Err(format!(
            "capacity: ramp share {}%; expected 0% to 100%",
            crate::units::format_number(bad * 100.0, 2)
        ));
    }
    Ok(Ramp::new(shares))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_rates() {
        let (settings, scenarios) = read_sections("").unwrap();
        assert!(scenarios.is_empty());
        assert_eq!(settings.weeks, 52);
        let annual = 1.0 - (1.0 - settings.workforce.weekly_attrition).powf(WEEKS_PER_YEAR);
        assert!((annual - 0.25).abs() < 1e-12);
        assert_eq!(settings.workforce.ramp.shares().len(), 7);
        assert_eq!(settings.workforce.ramp.productivity(0), 0.5);
        assert_eq!(settings.workforce.ramp.productivity(7), 1.0);
        assert_eq!(settings.classes.min_size, 5);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let error = |text: &str| read_sections(text).unwrap_err();
        assert!(error("[capacity]\nattrtion = \"20%\"\n").contains("unknown field `attrtion`"));
        assert!(error("[[scenario]]\nname = \"x\"\nvolum = \"+1%\"\n")
            .contains("unknown field `volum`"));
        assert!(
            error("[capacity]\nattrition = \"20%\"\nattrition_weekly = \"1%\"\n")
                .contains("not both")
        );
        assert!(error("[capacity]\nstart = \"2027-01-05\"\n").contains("expected a Monday"));
        assert!(error("[capacity]\nmin_class = 9\nmax_class = 3\n").contains("min_class"));
        assert!(error("[[scenario]]\nname = \"x\"\nvolume = \"10\"\n").contains("volume"));
        assert!(error("[[scenario]]\nname = \"baseline\"\n").contains("taken"));
    }

    #[test]
    fn scenario_changes_parse() {
        let (_, scenarios) = read_sections(
            "[[scenario]]\nname = \"launch\"\nvolume = \"+10%\"\naht = \"+15s\"\nsl = \"90/30\"\nshrinkage = \"35%\"\nfrom = \"2027-03-01\"\n",
        )
        .unwrap();
        let launch = &scenarios[0];
        assert!((launch.volume - 1.1).abs() < 1e-12);
        assert_eq!(launch.aht, Some(AhtChange::Seconds(15.0)));
        assert_eq!(launch.sl, Some((0.9, 30.0)));
        assert_eq!(launch.shrinkage, Some(0.35));
        assert_eq!(
            launch.describe(),
            "volume +10%, aht +15s, sl 90/30, shrinkage 35%, from 2027-03-01"
        );
        assert_eq!(parse_aht_change("-10%"), Ok(AhtChange::Factor(0.9)));
        assert!(parse_aht_change("15").is_err());
        assert!(parse_volume_change("-120%").is_err());
    }
}
