//! Shift templates (`shifts.toml`): when shifts may start, how long they last, where
//! their unpaid lunch and paid breaks may go, what they cost; plus penalties and limits
//! of the scheduling model. Everything is validated into minutes once, here.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::mip::{Coverage, RestWindow};
use crate::units::{format_clock_minutes, parse_clock_minutes, parse_duration_seconds};

/// A lunch or break: its length and the window (after the shift start) in which it
/// must start, all in minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Rest {
    pub length: u32,
    pub earliest_after_start: u32,
    pub latest_after_start: u32,
}

impl Rest {
    /// The window the solver toolkit's implicit rest model works with.
    pub fn window(&self) -> RestWindow {
        RestWindow {
            earliest_after_start: self.earliest_after_start,
            latest_after_start: self.latest_after_start,
        }
    }
}

/// A validated shift template.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    pub name: String,
    /// Paid minutes; the unpaid lunch comes on top.
    pub paid_minutes: u32,
    /// First and last allowed start, minutes after local midnight.
    pub start_earliest: u32,
    pub start_latest: u32,
    pub start_step: u32,
    /// Allowed start weekdays, Monday first.
    pub days: [bool; 7],
    pub cost_per_hour: f64,
    pub min_per_day: u32,
    pub max_per_day: Option<u32>,
    /// Part-time templates count towards `limits.max_part_time_share`.
    pub part_time: bool,
    /// Unpaid lunch, if any.
    pub lunch: Option<Rest>,
    /// Paid breaks.
    pub breaks: Vec<Rest>,
}

impl ShiftTemplate {
    /// Minutes from start to end: paid time plus the unpaid lunch.
    pub fn span_minutes(&self) -> u32 {
        self.paid_minutes + self.lunch.as_ref().map_or(0, |lunch| lunch.length)
    }

    /// Start times in minutes after midnight.
    pub fn starts(&self) -> Vec<u32> {
        (self.start_earliest..=self.start_latest)
            .step_by(self.start_step as usize)
            .collect()
    }

    /// The lunch (first, when present) and then the breaks: every rest of the shift.
    pub fn rests(&self) -> Vec<&Rest> {
        self.lunch.iter().chain(self.breaks.iter()).collect()
    }

    /// Paid cost of one shift.
    pub fn shift_cost(&self) -> f64 {
        self.cost_per_hour * f64::from(self.paid_minutes) / 60.0
    }
}

/// Penalties of the objective, per agent-hour.
#[derive(Debug, Clone, PartialEq)]
pub struct Penalties {
    /// Cost of one agent-hour below the requirement.
    pub under_per_agent_hour: f64,
    /// Cost of one agent-hour above the requirement.
    pub over_per_agent_hour: f64,
}

impl Penalties {
    /// (under, over) per agent-hour, as [`crate::mip::coverage_slack`] takes them.
    pub fn prices(&self) -> (f64, f64) {
        (self.under_per_agent_hour, self.over_per_agent_hour)
    }
}

/// Optional limits of the model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Limits {
    /// At most this many shifts start on any day.
    pub max_headcount_per_day: Option<u32>,
    /// At most this share of all paid hours on part-time templates.
    pub max_part_time_share: Option<f64>,
}

/// Site opening hours (minutes after midnight): no shift may start before `open` or
/// end after `close`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpeningHours {
    pub open: u32,
    pub close: u32,
}

/// Everything `shifts.toml` holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftConfig {
    pub templates: Vec<ShiftTemplate>,
    pub penalties: Penalties,
    pub limits: Limits,
    pub opening_hours: Option<OpeningHours>,
    /// What each requirement interval's coverage holds to (`[site] coverage`).
    pub coverage: Coverage,
}

impl ShiftConfig {
    /// Every time of the templates (starts, step, lengths, rest windows), minutes: a
    /// model's time step must divide them all (see [`crate::mip::slot_minutes`]).
    pub fn model_times(&self) -> Vec<u32> {
        let mut times = Vec::new();
        for template in &self.templates {
            times.extend([
                template.start_earliest,
                template.start_step,
                template.paid_minutes,
                template.span_minutes(),
            ]);
            for rest in template.rests() {
                times.extend([
                    rest.length,
                    rest.earliest_after_start,
                    rest.latest_after_start,
                ]);
            }
        }
        times
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftsToml {
    #[serde(rename = "template", default)]
    templates: Vec<TemplateToml>,
    penalties: Option<PenaltiesToml>,
    limits: Option<LimitsToml>,
    site: Option<SiteToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateToml {
    name: String,
    paid_hours: f64,
    start_earliest: String,
    start_latest: String,
    start_step: String,
    #[serde(default = "all_days")]
    days: Vec<String>,
    cost_per_hour: f64,
    #[serde(default)]
    min_per_day: u32,
    max_per_day: Option<u32>,
    part_time: Option<bool>,
    lunch: Option<RestToml>,
    #[serde(rename = "break", default)]
    breaks: Vec<RestToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RestToml {
    length: String,
    earliest_after_start: String,
    latest_after_start: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PenaltiesToml {
    under_per_agent_hour: Option<f64>,
    over_per_agent_hour: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsToml {
    max_headcount_per_day: Option<u32>,
    max_part_time_share: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    open: Option<String>,
    close: Option<String>,
    coverage: Option<String>,
}

fn all_days() -> Vec<String> {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .map(String::from)
        .to_vec()
}

/// Templates shorter than this many paid hours are part-time unless said otherwise.
const PART_TIME_BELOW_HOURS: f64 = 6.0;

/// Default under-staffing penalty: this many times the dearest hourly cost, so that
/// covering a missing agent-hour is always worth a paid hour.
const UNDER_PENALTY_FACTOR: f64 = 5.0;

impl ShiftConfig {
    /// Reads and validates `shifts.toml`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::input::read_text(path)?;
        Self::from_toml(&text, &crate::input::display_name(path))
    }

    /// Parses and validates the TOML text; `name` labels error messages.
    pub fn from_toml(text: &str, name: &str) -> Result<Self> {
        let raw: ShiftsToml =
            toml::from_str(text).map_err(|e| Error::input(format!("{name}: {e}")))?;
        if raw.templates.is_empty() {
            return Err(Error::input(format!(
                "{name}: no [[template]]; expected at least one shift template"
            )));
        }
        let opening_hours = match &raw.site {
            Some(site) => parse_site(site, name)?,
            None => None,
        };
        let coverage = match raw.site.as_ref().and_then(|site| site.coverage.as_deref()) {
            Some(text) => {
                Coverage::parse(text).map_err(|e| Error::input(format!("{name}: site.{e}")))?
            }
            None => Coverage::default(),
        };
        let mut templates = Vec::new();
        for template in &raw.templates {
            let parsed = parse_template(template, name)?;
            if templates
                .iter()
                .any(|t: &ShiftTemplate| t.name == parsed.name)
            {
                return Err(Error::input(format!(
                    "{name}: template \"{}\" is defined twice; expected unique names",
                    parsed.name
                )));
            }
            if let Some(hours) = opening_hours {
                check_within_opening_hours(&parsed, hours, name)?;
            }
            templates.push(parsed);
        }
        let dearest = templates
            .iter()
            .map(|t| t.cost_per_hour)
            .fold(0.0, f64::max);
        let penalties = raw.penalties.unwrap_or(PenaltiesToml {
            under_per_agent_hour: None,
            over_per_agent_hour: None,
        });
        let penalties = Penalties {
            under_per_agent_hour: penalties
                .under_per_agent_hour
                .unwrap_or(UNDER_PENALTY_FACTOR * dearest.max(1.0)),
            over_per_agent_hour: penalties.over_per_agent_hour.unwrap_or(0.0),
        };
        for (key, value) in [
            ("under_per_agent_hour", penalties.under_per_agent_hour),
            ("over_per_agent_hour", penalties.over_per_agent_hour),
        ] {
            if !(0.0..=1e9).contains(&value) {
                return Err(Error::input(format!(
                    "{name}: penalties.{key} = {value}; expected a number from 0 to 1e9"
                )));
            }
        }
        let limits = raw.limits.map_or(Limits::default(), |limits| Limits {
            max_headcount_per_day: limits.max_headcount_per_day,
            max_part_time_share: limits.max_part_time_share,
        });
        if let Some(most) = limits.max_headcount_per_day {
            crate::limits::check_agents(f64::from(most), "limits.max_headcount_per_day")
                .map_err(|e| Error::input(format!("{name}: {e}")))?;
        }
        if let Some(share) = limits.max_part_time_share {
            if !(0.0..=1.0).contains(&share) {
                return Err(Error::input(format!(
                    "{name}: limits.max_part_time_share = {share}; expected a share between 0 and 1"
                )));
            }
        }
        Ok(ShiftConfig {
            templates,
            penalties,
            limits,
            opening_hours,
            coverage,
        })
    }
}

/// The opening hours of `[site]`: `open` and `close` together, or neither.
fn parse_site(site: &SiteToml, name: &str) -> Result<Option<OpeningHours>> {
    let (open, close) = match (&site.open, &site.close) {
        (Some(open), Some(close)) => (open, close),
        (None, None) => return Ok(None),
        _ => {
            return Err(Error::input(format!(
                "{name}: [site] needs both open and close (or neither)"
            )))
        }
    };
    let clock = |key: &str, value: &str| {
        parse_clock_minutes(value).map_err(|e| Error::input(format!("{name}: site.{key}: {e}")))
    };
    let hours = OpeningHours {
        open: clock("open", open)?,
        close: clock("close", close)?,
    };
    if hours.close <= hours.open {
        return Err(Error::input(format!(
            "{name}: site.close {close} is not after site.open {open}"
        )));
    }
    Ok(Some(hours))
}

/// Every time of a template (starts, steps, rests) is a whole multiple of this many
/// minutes, so that the models' time step is never finer (a step of 7 minutes would
/// make it one minute: a month's model thirty times the size of a half-hour one).
const GRAIN_MINUTES: u32 = 5;

fn parse_template(raw: &TemplateToml, file: &str) -> Result<ShiftTemplate> {
    let label = format!("{file}: template \"{}\"", raw.name);
    let fail = |message: String| Error::input(format!("{label}: {message}"));
    let minutes = |key: &str, value: &str| -> Result<u32> {
        let seconds = parse_duration_seconds(value).map_err(|e| fail(format!("{key}: {e}")))?;
        if !(0.0..=86_400.0).contains(&seconds) || seconds % (60.0 * GRAIN_MINUTES as f64) != 0.0 {
            return Err(fail(format!(
                "{key} = \"{value}\"; expected a multiple of {GRAIN_MINUTES} minutes, zero to 24 hours"
            )));
        }
        Ok((seconds / 60.0) as u32)
    };
    let clock = |key: &str, value: &str| -> Result<u32> {
        let minute = parse_clock_minutes(value).map_err(|e| fail(format!("{key}: {e}")))?;
        if minute % GRAIN_MINUTES != 0 {
            return Err(fail(format!(
                "{key} = \"{value}\"; expected a time on a {GRAIN_MINUTES}-minute step (e.g. 08:05)"
            )));
        }
        Ok(minute)
    };
    if !(raw.paid_hours >= 0.25 && raw.paid_hours <= 24.0) {
        return Err(fail(format!(
            "paid_hours = {}; expected at least 0.25 (15 minutes) and at most 24",
            raw.paid_hours
        )));
    }
    for (key, value) in [
        ("min_per_day", Some(raw.min_per_day)),
        ("max_per_day", raw.max_per_day),
    ] {
        if let Some(value) = value {
            crate::limits::check_agents(f64::from(value), key).map_err(|e| fail(e.to_string()))?;
        }
    }
    let paid_minutes = (raw.paid_hours * 60.0).round() as u32;
    if !(raw.cost_per_hour >= 0.0 && raw.cost_per_hour.is_finite()) {
        return Err(fail(format!(
            "cost_per_hour = {}; expected zero or more",
            raw.cost_per_hour
        )));
    }
    let start_earliest = clock("start_earliest", &raw.start_earliest)?;
    let start_latest = clock("start_latest", &raw.start_latest)?;
    let start_step = minutes("start_step", &raw.start_step)?;
    if start_step == 0 {
        return Err(fail("start_step must be at least one minute".into()));
    }
    if start_latest < start_earliest {
        return Err(fail(format!(
            "start_latest {} is before start_earliest {}",
            raw.start_latest, raw.start_earliest
        )));
    }
    if start_latest >= 24 * 60 {
        return Err(fail(format!(
            "start_latest {} is not within the day (00:00-23:59)",
            raw.start_latest
        )));
    }
    let mut days = [false; 7];
    for day in &raw.days {
        let index = weekday_index(day).ok_or_else(|| {
            fail(format!(
                "unknown day \"{day}\"; expected Mon, Tue, Wed, Thu, Fri, Sat or Sun"
            ))
        })?;
        days[index] = true;
    }
    if let Some(max) = raw.max_per_day {
        if max < raw.min_per_day {
            return Err(fail(format!(
                "max_per_day {max} is below min_per_day {}",
                raw.min_per_day
            )));
        }
    }
    let rest = |key: &str, raw: &RestToml| -> Result<Rest> {
        Ok(Rest {
            length: minutes(&format!("{key}.length"), &raw.length)?,
            earliest_after_start: minutes(
                &format!("{key}.earliest_after_start"),
                &raw.earliest_after_start,
            )?,
            latest_after_start: minutes(
                &format!("{key}.latest_after_start"),
                &raw.latest_after_start,
            )?,
        })
    };
    let lunch = raw.lunch.as_ref().map(|l| rest("lunch", l)).transpose()?;
    let breaks = raw
        .breaks
        .iter()
        .map(|b| rest("break", b))
        .collect::<Result<Vec<_>>>()?;
    let template = ShiftTemplate {
        name: raw.name.clone(),
        paid_minutes,
        start_earliest,
        start_latest,
        start_step,
        days,
        cost_per_hour: raw.cost_per_hour,
        min_per_day: raw.min_per_day,
        max_per_day: raw.max_per_day,
        part_time: raw
            .part_time
            .unwrap_or(raw.paid_hours < PART_TIME_BELOW_HOURS),
        lunch,
        breaks,
    };
    check_rests(&template, &label)?;
    Ok(template)
}

/// Rests must fit inside the shift, and their windows must follow each other without
/// overlapping: then any placement inside the windows is a valid shift, which is what
/// lets the model choose each rest's start independently (Aykin 1996).
fn check_rests(template: &ShiftTemplate, label: &str) -> Result<()> {
    let fail = |message: String| Error::input(format!("{label}: {message}"));
    if let Some(lunch) = &template.lunch {
        if lunch.length >= template.paid_minutes {
            return Err(fail(format!(
                "the lunch ({} min) is not shorter than the paid shift ({} min)",
                lunch.length, template.paid_minutes
            )));
        }
    }
    let span = template.span_minutes();
    let mut rests: Vec<(&str, &Rest)> = template
        .lunch
        .iter()
        .map(|l| ("lunch", l))
        .chain(template.breaks.iter().map(|b| ("break", b)))
        .collect();
    for (kind, rest) in &rests {
        if rest.length == 0 {
            return Err(fail(format!(
                "a {kind} has length 0; expected a positive length"
            )));
        }
        if rest.latest_after_start < rest.earliest_after_start {
            return Err(fail(format!(
                "{kind} window: latest_after_start is before earliest_after_start"
            )));
        }
        if rest.earliest_after_start == 0 || rest.latest_after_start + rest.length >= span {
            return Err(fail(format!(
                "{kind} window {}..{} after the start (length {} min) does not lie inside the {}-minute shift",
                rest.earliest_after_start, rest.latest_after_start, rest.length, span
            )));
        }
    }
    rests.sort_by_key(|(_, rest)| rest.earliest_after_start);
    for pair in rests.windows(2) {
        let (first_kind, first) = pair[0];
        let (second_kind, second) = pair[1];
        if first.latest_after_start + first.length > second.earliest_after_start {
            return Err(fail(format!(
                "the {first_kind} window ({}..{} min after the start, {} min long) overlaps the {second_kind} window starting {} min after the start; expected windows in sequence",
                first.earliest_after_start, first.latest_after_start, first.length, second.earliest_after_start
            )));
        }
    }
    Ok(())
}

fn check_within_opening_hours(
    template: &ShiftTemplate,
    hours: OpeningHours,
    file: &str,
) -> Result<()> {
    let latest_end = template.start_latest + template.span_minutes();
    if template.start_earliest < hours.open || latest_end > hours.close {
        return Err(Error::input(format!(
            "{file}: template \"{}\": shifts start {}-{} and end by {}, outside the site's opening hours {}-{}",
            template.name,
            format_clock_minutes(template.start_earliest),
            format_clock_minutes(template.start_latest),
            format_clock_minutes(latest_end),
            format_clock_minutes(hours.open),
            format_clock_minutes(hours.close)
        )));
    }
    Ok(())
}

/// `Mon` -> 0 ... `Sun` -> 6 (also full names, any case).
pub fn weekday_index(name: &str) -> Option<usize> {
    let lower = name.trim().to_ascii_lowercase();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|day| lower.starts_with(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FT8: &str = r#"
[[template]]
name = "FT8"
paid_hours = 8.0
start_earliest = "06:00"
start_latest = "14:00"
start_step = "30m"
days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
cost_per_hour = 1.0
min_per_day = 0
max_per_day = 40
[template.lunch]
length = "30m"
earliest_after_start = "3h"
latest_after_start = "5h"
[[template.break]]
length = "15m"
earliest_after_start = "1h30m"
latest_after_start = "2h30m"
"#;

    #[test]
    fn the_documented_example_parses() {
        let config = ShiftConfig::from_toml(FT8, "shifts.toml").unwrap();
        let ft8 = &config.templates[0];
        assert_eq!(ft8.paid_minutes, 480);
        assert_eq!(ft8.span_minutes(), 510);
        assert_eq!(ft8.starts().len(), 17);
        assert_eq!(ft8.lunch.as_ref().unwrap().earliest_after_start, 180);
        assert_eq!(ft8.breaks[0].latest_after_start, 150);
        assert!(!ft8.part_time);
        assert_eq!(config.penalties.under_per_agent_hour, 5.0);
    }

    #[test]
    fn contradictions_are_input_errors() {
        let long_lunch = FT8.replace("length = \"30m\"", "length = \"9h\"");
        assert_eq!(
            ShiftConfig::from_toml(&long_lunch, "shifts.toml")
                .unwrap_err()
                .to_string(),
            "shifts.toml: template \"FT8\": the lunch (540 min) is not shorter than the paid shift (480 min)"
        );
        let overlapping = FT8.replace(
            "latest_after_start = \"2h30m\"",
            "latest_after_start = \"3h\"",
        );
        assert!(ShiftConfig::from_toml(&overlapping, "shifts.toml")
            .unwrap_err()
            .to_string()
            .contains("overlaps the lunch window"));
        let closed = format!("[site]\nopen = \"07:00\"\nclose = \"22:00\"\n{FT8}");
        assert_eq!(
            ShiftConfig::from_toml(&closed, "shifts.toml")
                .unwrap_err()
                .to_string(),
            "shifts.toml: template \"FT8\": shifts start 06:00-14:00 and end by 22:30, outside the site's opening hours 07:00-22:00"
        );
        let bad_day = FT8.replace("\"Sun\"", "\"Sunday-ish\"");
        assert!(ShiftConfig::from_toml(&bad_day, "shifts.toml").is_ok());
        let bad_day = FT8.replace("\"Sun\"", "\"Funday\"");
        assert!(ShiftConfig::from_toml(&bad_day, "shifts.toml")
            .unwrap_err()
            .to_string()
            .contains("unknown day \"Funday\""));
    }

    #[test]
    fn site_coverage_defaults_to_slot_and_opening_hours_come_in_pairs() {
        let config = ShiftConfig::from_toml(FT8, "shifts.toml").unwrap();
        assert_eq!(config.coverage, Coverage::Slot);
        let interval = format!("[site]\ncoverage = \"interval\"\n{FT8}");
        let config = ShiftConfig::from_toml(&interval, "shifts.toml").unwrap();
        assert_eq!(config.coverage, Coverage::Interval);
        assert_eq!(config.opening_hours, None);
        let typo = format!("[site]\ncoverage = \"quarter\"\n{FT8}");
        assert_eq!(
            ShiftConfig::from_toml(&typo, "shifts.toml")
                .unwrap_err()
                .to_string(),
            "shifts.toml: site.coverage = \"quarter\"; expected \"slot\" or \"interval\""
        );
        let half = format!("[site]\nopen = \"06:00\"\n{FT8}");
        assert_eq!(
            ShiftConfig::from_toml(&half, "shifts.toml")
                .unwrap_err()
                .to_string(),
            "shifts.toml: [site] needs both open and close (or neither)"
        );
    }
}
