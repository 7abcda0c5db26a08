//! `plan.toml`: everything one monthly run needs, in one file a planner can keep
//! under version control. Inputs are named by path (relative paths resolve against the
//! config file, so the config and its data move together); service targets are
//! embedded with the keys of `targets.toml` under `[targets.default]` and
//! `[targets.queue.NAME]`. Every value is validated here, before any work starts, so a
//! typo fails in milliseconds rather than after the forecast.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::forecast::hours::OpeningHours;
use crate::forecast::Method;
use crate::mip::Coverage;
use crate::roster::RoutingRules;
use crate::schedule::{Cover, SolverLimits};
use crate::simulate::Settings;
use crate::staff::{QueueTargets, Seconds, ServiceTargets, Share, TargetsFile};
use crate::units::{parse_duration_seconds, parse_share, parse_time_zone};

/// Longest horizon, days (as for `wfm forecast`).
const MAX_DAYS: u32 = crate::limits::MAX_HORIZON_DAYS;
/// Most weeks of history the report shows (the longest history, ten years).
const MAX_HISTORY_WEEKS: u32 = (crate::limits::MAX_HISTORY_DAYS / 7) as u32;
/// Default solver time limit for the whole schedule, seconds. Generous on purpose:
/// a schedule that stops at its proven gap is the same on every run, one stopped by
/// the clock depends on the machine's load, and cron reruns must not differ. A
/// month of the sample proves its gap in about 20 s; the limit is only a cap.
const DEFAULT_TIME_LIMIT_SECONDS: f64 = 300.0;
/// Default time limit for the roster step, seconds: a safety net behind the
/// improvement phase's own stopping rules (see `docs/benchmarks.md`, "Monthly plan"),
/// generous so that a loaded machine reaches the same roster as an idle one.
const DEFAULT_ROSTER_TIME_LIMIT_SECONDS: f64 = 300.0;
/// Default relative MIP gap (as for `wfm schedule`).
const DEFAULT_MIP_GAP: f64 = 0.005;
/// Default central prediction interval level (as for `wfm forecast`).
const DEFAULT_LEVEL: f64 = 0.8;
/// Default answer-within time of the pooled projected service level, seconds.
const DEFAULT_ANSWER_WITHIN_SECONDS: f64 = 20.0;
/// Weeks of history shown before the forecast in the report.
const DEFAULT_HISTORY_WEEKS: u32 = 8;
/// Name of the default output directory, beside the config file.
pub const DEFAULT_OUT_DIR: &str = "plan-out";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanToml {
    site: SiteToml,
    inputs: InputsToml,
    horizon: HorizonToml,
    #[serde(default)]
    forecast: ForecastToml,
    targets: TargetsFile,
    #[serde(default)]
    solver: SolverToml,
    #[serde(default)]
    report: ReportToml,
    /// Kept as a table: its keys are [`Settings`]' plus the plan's own.
    simulation: Option<toml::Table>,
    #[serde(default)]
    strict: StrictToml,
    replan: Option<ReplanToml>,
    #[serde(default)]
    exports: ExportsToml,
    /// `wfm capacity`'s sections, read and checked by [`crate::capacity::config`];
    /// the monthly plan accepts them and leaves them alone.
    #[allow(dead_code)]
    capacity: Option<toml::Table>,
    #[allow(dead_code)]
    scenario: Option<Vec<toml::Table>>,
}

/// `[replan]`: re-plan a published roster with minimal change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplanToml {
    /// The published plan's directory or its roster.csv.
    published: String,
    /// The first day that may change, `YYYY-MM-DD`.
    freeze_until: String,
    change_cost: Option<f64>,
}

/// A re-plan of a published roster (`[replan]`, or `wfm plan --published
/// --freeze-until`): see [`crate::roster::replan`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReplanConfig {
    /// The published `roster.csv`.
    pub published: PathBuf,
    /// Days before this date are kept exactly as published.
    pub freeze_until: NaiveDate,
    pub change_cost: f64,
}

impl ReplanConfig {
    /// A re-plan of `published` (a plan's directory or a roster.csv) from
    /// `freeze_until`; errors (exit code 2) on a negative or non-finite cost.
    pub fn new(
        published: &Path,
        freeze_until: NaiveDate,
        change_cost: Option<f64>,
    ) -> std::result::Result<Self, String> {
        let change_cost = change_cost.unwrap_or(crate::roster::replan::DEFAULT_CHANGE_COST);
        if !(change_cost.is_finite() && change_cost >= 0.0) {
            return Err(format!(
                "replan.change_cost = {change_cost}; expected a number, 0 or more"
            ));
        }
        let published = if published.is_dir() {
            published.join("roster.csv")
        } else {
            published.to_path_buf()
        };
        Ok(ReplanConfig {
            published,
            freeze_until,
            change_cost,
        })
    }
}

fn replan_config(
    raw: Option<&ReplanToml>,
    resolve: &dyn Fn(&str) -> PathBuf,
) -> std::result::Result<Option<ReplanConfig>, String> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let freeze_until =
        NaiveDate::parse_from_str(raw.freeze_until.trim(), "%Y-%m-%d").map_err(|_| {
            format!(
                "replan.freeze_until = \"{}\"; expected YYYY-MM-DD",
                raw.freeze_until
            )
        })?;
    ReplanConfig::new(&resolve(&raw.published), freeze_until, raw.change_cost).map(Some)
}

/// Default `[inputs] max_history_age`: two weeks, as typed in `plan.toml`.
pub const DEFAULT_MAX_HISTORY_AGE: &str = "14d";

/// Default `[strict] max_shortfall_hours`: this share of the month's required
/// agent-hours. An ordinary month of the sample is 61 agent-hours short of 11,106
/// required (0.55%): the roster leaves half an agent here and there where contracts
/// bind; a month short by more than 1% has a real hole.
pub const DEFAULT_MAX_SHORTFALL_SHARE: f64 = 0.01;

/// `[strict] max_shortfall_hours`: agent-hours, or a share of the required ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShortfallLimit {
    /// At most this many agent-hours short (`max_shortfall_hours = 80`).
    Hours(f64),
    /// At most this share of the required agent-hours (`max_shortfall_hours = "1%"`).
    ShareOfRequired(f64),
}

impl ShortfallLimit {
    /// The limit in agent-hours for a plan that requires `required` agent-hours.
    pub fn hours(self, required: f64) -> f64 {
        match self {
            ShortfallLimit::Hours(hours) => hours,
            ShortfallLimit::ShareOfRequired(share) => share * required,
        }
    }

    /// As `plan.toml` would write it, with what it comes to: `1% of 11106 required
    /// agent-hours, 111.06`.
    pub(super) fn describe(self, required: f64) -> String {
        match self {
            ShortfallLimit::Hours(hours) => format!("{hours}"),
            ShortfallLimit::ShareOfRequired(share) => format!(
                "\"{}%\" ({:.2} agent-hours of {} required)",
                crate::units::round(share * 100.0, 4),
                self.hours(required),
                required
            ),
        }
    }
}

/// `[strict]`: what `--strict` fails on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrictConfig {
    pub max_shortfall: ShortfallLimit,
    pub fail_if_day_below_target: bool,
}

impl Default for StrictConfig {
    fn default() -> Self {
        StrictConfig {
            max_shortfall: ShortfallLimit::ShareOfRequired(DEFAULT_MAX_SHORTFALL_SHARE),
            fail_if_day_below_target: false,
        }
    }
}

/// `[strict]`: what `--strict` fails on (see [`super::guards`]).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictToml {
    /// A number of agent-hours, or a share of the required ones (`"1%"`).
    max_shortfall_hours: Option<toml::Value>,
    fail_if_day_below_target: Option<bool>,
}

/// Reads `[strict]`.
fn strict_config(raw: &StrictToml) -> std::result::Result<StrictConfig, String> {
    let mut strict = StrictConfig::default();
    if let Some(value) = &raw.max_shortfall_hours {
        let bad = || {
            format!(
                "strict.max_shortfall_hours = {value}; expected agent-hours (0 or more, e.g. 80) or a share of the required agent-hours (e.g. \"1%\")"
            )
        };
        let hours = |h: f64| (h >= 0.0 && h.is_finite()).then_some(ShortfallLimit::Hours(h));
        strict.max_shortfall = match value {
            toml::Value::Integer(n) => hours(*n as f64),
            toml::Value::Float(x) => hours(*x),
            toml::Value::String(text) if text.trim().ends_with('%') => parse_share(text)
                .ok()
                .filter(|share| (0.0..=1.0).contains(share))
                .map(ShortfallLimit::ShareOfRequired),
            toml::Value::String(text) => text.trim().parse::<f64>().ok().and_then(hours),
            _ => None,
        }
        .ok_or_else(bad)?;
    }
    if let Some(fail) = raw.fail_if_day_below_target {
        strict.fail_if_day_below_target = fail;
    }
    Ok(strict)
}

/// `[inputs] max_history_age`: a duration with its unit (`"14d"`); a bare number is
/// refused, as it could be days or seconds. Returns (text, seconds).
fn max_history_age(value: Option<&toml::Value>) -> std::result::Result<(String, f64), String> {
    let Some(value) = value else {
        let text = DEFAULT_MAX_HISTORY_AGE;
        return Ok((
            text.to_string(),
            parse_duration_seconds(text).unwrap_or(0.0),
        ));
    };
    let expected = "expected a duration with its unit, e.g. \"14d\" or \"3 weeks\"";
    let toml::Value::String(text) = value else {
        return Err(format!("inputs.max_history_age = {value}; {expected}"));
    };
    if text.trim().parse::<f64>().is_ok() {
        return Err(format!(
            "inputs.max_history_age = \"{text}\" has no unit; {expected}"
        ));
    }
    match parse_duration_seconds(text) {
        Ok(seconds) if seconds >= 0.0 => Ok((text.trim().to_string(), seconds)),
        _ => Err(format!("inputs.max_history_age = \"{text}\"; {expected}")),
    }
}

/// `[exports]`: the agent-facing files of a roster.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportsToml {
    enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    time_zone: String,
    open: Option<String>,
    /// `assigned` or `skills`.
    routing: Option<String>,
    min_queue_block: Option<Seconds>,
    coverage: Option<String>,
}

/// `[site] routing` and `min_queue_block` (default `assigned`, 1 h).
fn routing_rules(site: &SiteToml) -> std::result::Result<RoutingRules, String> {
    let mut rules = RoutingRules::default();
    if let Some(text) = &site.routing {
        rules.routing = text.parse().map_err(|e| format!("site.routing: {e}"))?;
    }
    if let Some(Seconds(seconds)) = site.min_queue_block {
        if !(seconds > 0.0 && seconds.is_finite()) {
            return Err(format!(
                "site.min_queue_block = {seconds} s; expected a positive duration, e.g. \"1h\""
            ));
        }
        rules.min_queue_block_minutes = (seconds / 60.0).ceil() as u32;
    }
    Ok(rules)
}

/// One path or a list of paths (history may come in monthly files).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputsToml {
    history: OneOrMany,
    calendar: Option<String>,
    shifts: String,
    agents: Option<String>,
    contracts: Option<String>,
    availability: Option<String>,
    previous_roster: Option<String>,
    /// A duration with its unit (`"14d"`).
    max_history_age: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HorizonToml {
    month: Option<String>,
    start: Option<String>,
    days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForecastToml {
    method: Option<String>,
    level: Option<Share>,
    #[serde(default)]
    queues: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SolverToml {
    time_limit: Option<Seconds>,
    roster_time_limit: Option<Seconds>,
    mip_gap: Option<Share>,
    cover: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportToml {
    week: Option<String>,
    day: Option<String>,
    history_weeks: Option<u32>,
}

/// The people a roster needs: named agents and their contracts (and, optionally,
/// their availability). Present only when `plan.toml` names them.
#[derive(Debug, Clone, PartialEq)]
pub struct PeopleInputs {
    pub agents: PathBuf,
    pub contracts: PathBuf,
    pub availability: Option<PathBuf>,
    /// The previous period's roster (`[inputs] previous_roster`), so the rules hold
    /// across the horizon's start.
    pub previous_roster: Option<PathBuf>,
}

/// A validated `plan.toml`.
#[derive(Debug, Clone)]
pub struct PlanConfig {
    /// The config file itself.
    pub path: PathBuf,
    pub time_zone: Tz,
    /// Opening hours for the forecast (slots outside are forecast at zero).
    pub opening_hours: Option<OpeningHours>,
    /// What coverage holds to (`[site] coverage`), overriding `shifts.toml`'s.
    pub coverage: Option<Coverage>,
    pub history: Vec<PathBuf>,
    pub calendar: Option<PathBuf>,
    pub shifts: PathBuf,
    pub people: Option<PeopleInputs>,
    pub start: NaiveDate,
    pub days: u32,
    pub method: Method,
    pub level: f64,
    /// Queues to plan; empty: every queue of the history.
    pub queues: Vec<String>,
    /// The targets as written, for the values a whole site shares (see
    /// [`PlanConfig::answer_within_seconds`]).
    pub targets_file: TargetsFile,
    pub targets: QueueTargets,
    pub limits: SolverLimits,
    /// Time limit of the roster step, seconds (`[solver] roster_time_limit`).
    pub roster_time_limit_seconds: f64,
    pub cover: Cover,
    /// First day of the week the report plots half-hour by half-hour.
    pub report_week: NaiveDate,
    /// Days in that week (7, or fewer for a short horizon).
    pub report_days: u32,
    /// `[report] day`: the day the report's day Gantt shows; `None`: the day of
    /// the plotted week with the most shortfall (the one team leaders need most).
    pub report_day: Option<NaiveDate>,
    pub history_weeks: u32,
    /// How calls reach the agents (`[site] routing`, `min_queue_block`).
    pub routing: RoutingRules,
    /// The plan's check by simulation (`[simulation]`).
    pub simulation: SimulationConfig,
    /// `[inputs] max_history_age` as written (default `14d`): a history that ends
    /// longer before the horizon is stale (see [`super::guards`]).
    pub max_history_age: String,
    /// The same in seconds.
    pub max_history_age_seconds: f64,
    /// What `--strict` fails on (`[strict]`).
    pub strict: StrictConfig,
    /// A re-plan of a published roster (`[replan]`).
    pub replan: Option<ReplanConfig>,
    /// With a roster: write its agent-facing exports (`schedules/*.ics`, `grid.csv`,
    /// `roster.xlsx`); `[exports] enabled = false` turns them off.
    pub exports: bool,
}

/// `[simulation]`: how the plan simulates the roster it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationConfig {
    /// `enabled = false` skips the simulation (the plan then reports the projection
    /// alone).
    pub enabled: bool,
    /// The simulation's settings; `routing` is always `[site] routing`.
    pub settings: Settings,
    /// `correct = true`: raise the requirement where the simulation falls below
    /// target and roster again, up to `max_rounds` times.
    pub correct: bool,
    pub max_rounds: u32,
}

/// Rounds of `correct = true` unless `max_rounds` says otherwise.
pub const DEFAULT_CORRECTION_ROUNDS: u32 = 3;

/// Reads `[simulation]`: the plan's keys (`enabled`, `correct`, `max_rounds`), then
/// the rest as the simulation's [`Settings`], checked as `wfm simulate` checks them.
fn simulation_config(
    table: Option<&toml::Table>,
    routing: RoutingRules,
) -> std::result::Result<SimulationConfig, String> {
    let mut rest = table.cloned().unwrap_or_default();
    let flag = |rest: &mut toml::Table, key: &str, default: bool| match rest.remove(key) {
        None => Ok(default),
        Some(toml::Value::Boolean(value)) => Ok(value),
        Some(other) => Err(format!(
            "simulation.{key} = {other}; expected true or false"
        )),
    };
    let enabled = flag(&mut rest, "enabled", true)?;
    let correct = flag(&mut rest, "correct", false)?;
    let max_rounds = match rest.remove("max_rounds") {
        None => DEFAULT_CORRECTION_ROUNDS,
        Some(toml::Value::Integer(n)) if (1..=20).contains(&n) => n as u32,
        Some(other) => return Err(format!("simulation.max_rounds = {other}; expected 1 to 20")),
    };
    if rest.contains_key("routing") {
        return Err("simulation.routing: the plan simulates the routing of [site] routing".into());
    }
    let mut settings: Settings = toml::Value::Table(rest)
        .try_into()
        .map_err(|e: toml::de::Error| format!("simulation: {}", e.to_string().trim_end()))?;
    settings.routing = routing.routing;
    settings.options().map_err(|e| format!("simulation: {e}"))?;
    Ok(SimulationConfig {
        enabled,
        settings,
        correct,
        max_rounds,
    })
}

impl PlanConfig {
    /// Reads and validates `path`; every error names the file (exit code 2).
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = crate::input::read_text(path)?;
        Self::from_toml(&text, path)
    }

    /// Parses and validates the text of the config at `path` (used to resolve
    /// relative paths and to label errors).
    pub fn from_toml(text: &str, path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let fail = |message: String| Error::input(format!("{name}: {message}"));
        let raw: PlanToml =
            toml::from_str(text).map_err(|e| fail(e.to_string().trim_end().to_string()))?;
        let dir = config_dir(path);
        let resolve = |value: &str| dir.join(value);

        let time_zone = parse_time_zone(&raw.site.time_zone)
            .map_err(|e| fail(format!("site.time_zone: {e}")))?;
        let opening_hours = raw
            .site
            .open
            .as_deref()
            .map(OpeningHours::parse)
            .transpose()
            .map_err(|e| fail(format!("site.open: {e}")))?;
        let routing = routing_rules(&raw.site).map_err(fail)?;
        let simulation = simulation_config(raw.simulation.as_ref(), routing).map_err(fail)?;
        let coverage = raw
            .site
            .coverage
            .as_deref()
            .map(Coverage::parse)
            .transpose()
            .map_err(|e| fail(format!("site.{e}")))?;
        let history: Vec<PathBuf> = match &raw.inputs.history {
            OneOrMany::One(one) => vec![resolve(one)],
            OneOrMany::Many(many) => many.iter().map(|p| resolve(p)).collect(),
        };
        if history.is_empty() {
            return Err(fail("inputs.history names no file".into()));
        }
        let people = people_inputs(&raw.inputs, &resolve).map_err(fail)?;
        let (max_history_age, max_history_age_seconds) =
            max_history_age(raw.inputs.max_history_age.as_ref()).map_err(fail)?;
        let strict = strict_config(&raw.strict).map_err(fail)?;
        let replan = replan_config(raw.replan.as_ref(), &resolve).map_err(fail)?;
        let (start, days) = horizon(&raw.horizon).map_err(fail)?;
        let method = Method::parse(raw.forecast.method.as_deref().unwrap_or("auto"))
            .map_err(|e| fail(format!("forecast.method: {e}")))?;
        let level = raw
            .forecast
            .level
            .map_or(DEFAULT_LEVEL, |Share(level)| level);
        if !(level > 0.0 && level < 1.0) {
            return Err(fail(format!(
                "forecast.level {level} must be between 0% and 100%, e.g. \"80%\""
            )));
        }
        let targets = QueueTargets::new(
            &raw.targets,
            &ServiceTargets::default(),
            &format!("{name} targets"),
        )?;
        let limits = solver_limits(&raw.solver).map_err(fail)?;
        let roster_time_limit_seconds = raw
            .solver
            .roster_time_limit
            .map_or(DEFAULT_ROSTER_TIME_LIMIT_SECONDS, |Seconds(s)| s);
        if !(roster_time_limit_seconds > 0.0 && roster_time_limit_seconds.is_finite()) {
            return Err(fail(format!(
                "solver.roster_time_limit = {roster_time_limit_seconds} s; expected a positive duration, e.g. \"60s\""
            )));
        }
        let history_weeks = raw.report.history_weeks.unwrap_or(DEFAULT_HISTORY_WEEKS);
        if history_weeks > MAX_HISTORY_WEEKS {
            return Err(fail(format!(
                "report.history_weeks = {history_weeks}; expected 0 to {MAX_HISTORY_WEEKS}"
            )));
        }
        let cover = match raw.solver.cover.as_deref().unwrap_or("scheduled-staff") {
            "scheduled-staff" => Cover::ScheduledStaff,
            "agents" => Cover::Agents,
            other => {
                return Err(fail(format!(
                    "solver.cover = \"{other}\"; expected \"scheduled-staff\" or \"agents\""
                )))
            }
        };
        let (report_week, report_days) =
            report_week(raw.report.week.as_deref(), start, days).map_err(fail)?;
        let report_day = raw
            .report
            .day
            .as_deref()
            .map(|text| report_day(text, start, days))
            .transpose()
            .map_err(fail)?;
        Ok(PlanConfig {
            report_day,
            replan,
            routing,
            simulation,
            path: path.to_path_buf(),
            time_zone,
            opening_hours,
            coverage,
            history,
            calendar: raw.inputs.calendar.as_deref().map(resolve),
            shifts: resolve(&raw.inputs.shifts),
            people,
            start,
            days,
            method,
            level,
            queues: raw.forecast.queues,
            targets_file: raw.targets,
            targets,
            limits,
            roster_time_limit_seconds,
            cover,
            report_week,
            report_days,
            history_weeks,
            max_history_age,
            max_history_age_seconds,
            strict,
            exports: raw.exports.enabled.unwrap_or(true),
        })
    }

    /// The output directory when `--out` is not given: `plan-out/` beside the config.
    pub fn default_out(&self) -> PathBuf {
        config_dir(&self.path).join(DEFAULT_OUT_DIR)
    }

    /// Answer-within time of the pooled team's projected service level
    /// (`coverage.csv`): the `[targets.default]` one, else 20 s. Per-queue service
    /// levels use each queue's own.
    pub fn answer_within_seconds(&self) -> f64 {
        self.targets_file
            .default
            .answer_within
            .map_or(DEFAULT_ANSWER_WITHIN_SECONDS, |Seconds(s)| s)
    }

    /// The last day of the horizon.
    pub fn end(&self) -> NaiveDate {
        self.start + Duration::days(i64::from(self.days) - 1)
    }
}

/// The directory relative paths resolve against: the config's own.
fn config_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Agents and contracts come together: one without the other is a mistake.
fn people_inputs(
    inputs: &InputsToml,
    resolve: &dyn Fn(&str) -> PathBuf,
) -> std::result::Result<Option<PeopleInputs>, String> {
    match (&inputs.agents, &inputs.contracts) {
        (Some(agents), Some(contracts)) => Ok(Some(PeopleInputs {
            agents: resolve(agents),
            contracts: resolve(contracts),
            availability: inputs.availability.as_deref().map(resolve),
            previous_roster: inputs.previous_roster.as_deref().map(resolve),
        })),
        (None, None) if inputs.availability.is_none() && inputs.previous_roster.is_none() => {
            Ok(None)
        }
        (None, None) => Err(
            "inputs.availability and inputs.previous_roster need inputs.agents and inputs.contracts"
                .into(),
        ),
        (Some(_), None) => {
            Err("inputs.agents needs inputs.contracts (rostering needs both)".into())
        }
        (None, Some(_)) => {
            Err("inputs.contracts needs inputs.agents (rostering needs both)".into())
        }
    }
}

/// `month = "2027-01"`, or `start = "2027-01-04"` with `days = 28`.
fn horizon(raw: &HorizonToml) -> std::result::Result<(NaiveDate, u32), String> {
    let (start, days) = match (&raw.month, &raw.start, raw.days) {
        (Some(month), None, None) => {
            let start = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
                .map_err(|_| format!("horizon.month = \"{month}\"; expected YYYY-MM, e.g. \"2027-01\""))?;
            let next = if start.month() == 12 {
                NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
            }
            .ok_or("horizon.month is out of range")?;
            (start, (next - start).num_days() as u32)
        }
        (None, Some(start), Some(days)) => {
            let date = NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d")
                .map_err(|_| format!("horizon.start = \"{start}\"; expected YYYY-MM-DD"))?;
            (date, days)
        }
        _ => {
            return Err(
                "[horizon] needs either month = \"YYYY-MM\" or both start = \"YYYY-MM-DD\" and days = N"
                    .into(),
            )
        }
    };
    if days == 0 || days > MAX_DAYS {
        return Err(format!("horizon.days = {days}; expected 1 to {MAX_DAYS}"));
    }
    crate::limits::check_horizon(start, days.into(), "horizon.days").map_err(|e| e.to_string())?;
    Ok((start, days))
}

fn solver_limits(raw: &SolverToml) -> std::result::Result<SolverLimits, String> {
    let time_limit_seconds = raw
        .time_limit
        .map_or(DEFAULT_TIME_LIMIT_SECONDS, |Seconds(s)| s);
    if !(time_limit_seconds > 0.0 && time_limit_seconds.is_finite()) {
        return Err(format!(
            "solver.time_limit = {time_limit_seconds} s; expected a positive duration, e.g. \"60s\""
        ));
    }
    let mip_gap = raw.mip_gap.map_or(DEFAULT_MIP_GAP, |Share(g)| g);
    if !(0.0..1.0).contains(&mip_gap) {
        return Err(format!(
            "solver.mip_gap = {mip_gap}; expected a share from 0% to below 100%, e.g. \"0.5%\""
        ));
    }
    Ok(SolverLimits {
        time_limit_seconds,
        mip_gap,
    })
}

/// `[report] day`, a date of the horizon.
fn report_day(text: &str, start: NaiveDate, days: u32) -> std::result::Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("report.day = \"{text}\"; expected YYYY-MM-DD"))?;
    let last = start + Duration::days(i64::from(days) - 1);
    if date < start || date > last {
        return Err(format!(
            "report.day {date} is outside the horizon {start} to {last}"
        ));
    }
    Ok(date)
}

/// The plotted week: the configured first day, else the first Monday of the horizon
/// with a whole week after it, else the horizon's start. It is cut to the horizon.
fn report_week(
    week: Option<&str>,
    start: NaiveDate,
    days: u32,
) -> std::result::Result<(NaiveDate, u32), String> {
    let end = start + Duration::days(i64::from(days));
    let first = match week {
        Some(text) => {
            let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| format!("report.week = \"{text}\"; expected YYYY-MM-DD"))?;
            if date < start || date >= end {
                return Err(format!(
                    "report.week {date} is outside the horizon {start} to {}",
                    end - Duration::days(1)
                ));
            }
            date
        }
        None => {
            let to_monday = (7 - start.weekday().num_days_from_monday()) % 7;
            let monday = start + Duration::days(i64::from(to_monday));
            debug_assert_eq!(monday.weekday(), Weekday::Mon);
            if monday + Duration::days(7) <= end {
                monday
            } else {
                start
            }
        }
    };
    let left = (end - first).num_days() as u32;
    Ok((first, left.min(7)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[site]
time_zone = "Europe/London"
open = "Mon-Fri 08:00-20:00, Sat-Sun 09:00-17:00"

[inputs]
history = "history.csv"
calendar = "calendar.csv"
shifts = "shifts.toml"

[horizon]
month = "2026-12"

[targets.default]
service_level = "80%"
answer_within = "20s"
shrinkage = "30%"

[targets.queue.sales]
answer_within = "30s"
"#;

    fn parse(text: &str) -> Result<PlanConfig> {
        PlanConfig::from_toml(text, Path::new("site/plan.toml"))
    }

    #[test]
    fn example_resolves_paths_horizon_and_defaults() {
        let config = parse(EXAMPLE).unwrap();
        assert_eq!(config.history, vec![PathBuf::from("site/history.csv")]);
        assert_eq!(config.shifts, PathBuf::from("site/shifts.toml"));
        assert_eq!(config.calendar, Some(PathBuf::from("site/calendar.csv")));
        assert_eq!(config.start, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(config.days, 31);
        assert_eq!(config.end(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        // 2026-12-01 is a Tuesday: the first whole week starts Monday the 7th.
        assert_eq!(
            config.report_week,
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert_eq!(config.report_days, 7);
        assert_eq!(config.targets.for_queue("sales").answer_within, Some(30.0));
        assert_eq!(
            config.targets.for_queue("support").answer_within,
            Some(20.0)
        );
        assert_eq!(config.targets.for_queue("sales").shrinkage, 0.3);
        assert_eq!(config.answer_within_seconds(), 20.0);
        assert_eq!(config.limits.time_limit_seconds, 300.0);
        assert_eq!(config.limits.mip_gap, 0.005);
        assert_eq!(config.cover, Cover::ScheduledStaff);
        assert_eq!(config.people, None);
        assert_eq!(config.coverage, None);
        assert_eq!(config.default_out(), PathBuf::from("site/plan-out"));
        assert!(config.exports);
        assert_eq!(config.max_history_age, "14d");
        assert_eq!(config.max_history_age_seconds, 14.0 * 86400.0);
        assert_eq!(
            config.strict,
            StrictConfig {
                max_shortfall: ShortfallLimit::ShareOfRequired(0.01),
                fail_if_day_below_target: false
            }
        );
    }

    #[test]
    fn strict_thresholds_and_history_age() {
        let with = |inputs: &str, strict: &str| {
            let text = EXAMPLE.replace(
                "shifts = \"shifts.toml\"",
                &format!("shifts = \"shifts.toml\"\n{inputs}"),
            );
            parse(&format!("{text}\n[strict]\n{strict}\n"))
        };
        let config = with(
            "max_history_age = \"3 weeks\"",
            "max_shortfall_hours = 80\nfail_if_day_below_target = true",
        )
        .unwrap();
        assert_eq!(config.max_history_age, "3 weeks");
        assert_eq!(config.max_history_age_seconds, 21.0 * 86400.0);
        assert_eq!(config.strict.max_shortfall, ShortfallLimit::Hours(80.0));
        assert!(config.strict.fail_if_day_below_target);
        for (value, limit) in [
            ("0", ShortfallLimit::Hours(0.0)),
            ("12.5", ShortfallLimit::Hours(12.5)),
            ("\"40\"", ShortfallLimit::Hours(40.0)),
            ("\"2.5%\"", ShortfallLimit::ShareOfRequired(0.025)),
        ] {
            let config = with("", &format!("max_shortfall_hours = {value}")).unwrap();
            assert_eq!(config.strict.max_shortfall, limit, "{value}");
        }
        let error = |inputs: &str, strict: &str| with(inputs, strict).unwrap_err().to_string();
        assert!(error("", "max_shortfall_hours = -1")
            .contains("strict.max_shortfall_hours = -1; expected agent-hours"));
        assert!(error("", "max_shortfall_hours = \"120%\"").contains("expected agent-hours"));
        assert!(error("", "max_shortfal_hours = 3").contains("unknown field `max_shortfal_hours`"));
        assert!(error("max_history_age = 14", "")
            .contains("inputs.max_history_age = 14; expected a duration with its unit"));
        assert!(error("max_history_age = \"14\"", "").contains("has no unit"));
        assert!(error("max_history_age = \"two weeks\"", "").contains("expected a duration"));
    }

    #[test]
    fn exports_can_be_turned_off() {
        let off = parse(&format!("{EXAMPLE}\n[exports]\nenabled = false\n")).unwrap();
        assert!(!off.exports);
        let on = parse(&format!("{EXAMPLE}\n[exports]\nenabled = true\n")).unwrap();
        assert!(on.exports);
        let typo = parse(&format!("{EXAMPLE}\n[exports]\nenable = false\n"));
        assert!(typo
            .unwrap_err()
            .to_string()
            .contains("unknown field `enable`"));
    }

    #[test]
    fn start_and_days_and_short_weeks() {
        let text = EXAMPLE.replace("month = \"2026-12\"", "start = \"2026-12-03\"\ndays = 4");
        let config = parse(&text).unwrap();
        assert_eq!((config.days, config.report_days), (4, 4));
        assert_eq!(config.report_week, config.start);
        let february = parse(&EXAMPLE.replace("2026-12", "2028-02")).unwrap();
        assert_eq!(february.days, 29);
    }

    #[test]
    fn mistakes_are_named() {
        let error = |text: &str| parse(text).unwrap_err().to_string();
        assert!(
            error(&EXAMPLE.replace("month = \"2026-12\"", "month = \"Dec\""))
                .contains("horizon.month = \"Dec\"; expected YYYY-MM")
        );
        assert!(error(&EXAMPLE.replace("month = \"2026-12\"", "days = 3"))
            .contains("[horizon] needs either month"));
        assert!(error(&EXAMPLE.replace("Europe/London", "Mars/Olympus"))
            .contains("site.time_zone: unknown time zone"));
        assert!(error(&EXAMPLE.replace(
            "shifts = \"shifts.toml\"",
            "shifts = \"s.toml\"\nagents = \"a.csv\""
        ))
        .contains("inputs.agents needs inputs.contracts"));
        assert!(
            error(&EXAMPLE.replace("answer_within = \"30s\"", "shrinkage = \"120%\""))
                .contains("[queue.sales]: shrinkage 120% must be at least 0% and below 100%")
        );
        assert!(
            error(&format!("{EXAMPLE}\n[report]\nweek = \"2027-01-04\"\n"))
                .contains("outside the horizon")
        );
        assert!(error(&format!("{EXAMPLE}\n[solver]\ntime_limt = \"5s\"\n"))
            .contains("unknown field `time_limt`"));
        assert!(error(&EXAMPLE.replace(
            "time_zone = \"Europe/London\"",
            "time_zone = \"Europe/London\"\ncoverage = \"slots\""
        ))
        .contains("site.coverage = \"slots\"; expected \"slot\" or \"interval\""));
        let interval = EXAMPLE.replace(
            "time_zone = \"Europe/London\"",
            "time_zone = \"Europe/London\"\ncoverage = \"interval\"",
        );
        assert_eq!(parse(&interval).unwrap().coverage, Some(Coverage::Interval));
    }

    #[test]
    fn people_make_a_roster_input() {
        let text = EXAMPLE.replace(
            "shifts = \"shifts.toml\"",
            "shifts = \"shifts.toml\"\nagents = \"agents.csv\"\ncontracts = \"/etc/wfm/contracts.toml\"",
        );
        let people = parse(&text).unwrap().people.unwrap();
        assert_eq!(people.agents, PathBuf::from("site/agents.csv"));
        assert_eq!(people.contracts, PathBuf::from("/etc/wfm/contracts.toml"));
        assert_eq!(people.availability, None);
    }
}
