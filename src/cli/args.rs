//! Argument groups that several subcommands share (`#[command(flatten)]`), so a flag
//! is spelled, parsed and documented once.
//!
//! `wfm help X` must not change with the grouping (scripts and docs quote it): the
//! schedule and roster groups take their wording and solver defaults from a [`Solving`]
//! type, and the history group pins its help positions with `display_order` (the help
//! lists flags by that number, then by name; `-q` is 0 and `-v` 1 everywhere).

use std::marker::PhantomData;
use std::path::PathBuf;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::values::{self, Duration};
use crate::error::Error;
use crate::roster::{Routing, RoutingRules};
use crate::schedule::SolverLimits;
use crate::staff::{QueueTargets, ServiceTargets, TargetsFile};
use crate::zone::{fixed_zone, Evidence, Layout, WrittenOffset};

/// Separator of several values in one flag (`--queue a,b`); the flag can also repeat.
pub const LIST_DELIMITER: char = ',';

/// The history a forecast is fitted on and what shapes it (`wfm forecast`,
/// `wfm backtest`). `--open` stays with each subcommand: its help differs. Help
/// positions: `--history` 0, `--calendar`, `--open` and `--tz` 5 (listed by name),
/// `--queue` 8; both subcommands number their own flags around these.
#[derive(Debug, Clone, clap::Args)]
pub struct HistoryArgs {
    /// History: the canonical interval table, CSV or Parquet (or any interval export
    /// `wfm ingest` reads).
    #[arg(long, display_order = 0)]
    pub history: PathBuf,
    /// Calendar CSV (date,kind,name,uplift) of closed days, holidays and events.
    #[arg(long, display_order = 5)]
    pub calendar: Option<PathBuf>,
    /// The site's IANA time zone (as given to `wfm ingest`), checked against the
    /// history's UTC offsets; without it, their one offset as a fixed zone (a Parquet
    /// history carries its own).
    #[arg(long, env = "WFM_TZ", value_parser = values::time_zone, display_order = 5)]
    pub tz: Option<Tz>,
    /// Only these queues (comma-separated).
    #[arg(long, value_delimiter = LIST_DELIMITER, display_order = 8)]
    pub queue: Vec<String>,
}

/// What a solving subcommand (`wfm schedule`, `wfm roster`) calls its result in the
/// shared groups' help, and its solver defaults.
pub trait Solving: Clone + std::fmt::Debug + Send + Sync + 'static {
    const START_HELP: &'static str;
    const DAYS_HELP: &'static str;
    const TIME_LIMIT: &'static str;
    const TIME_LIMIT_HELP: &'static str;
    const MIP_GAP: &'static str;
    const MIP_GAP_HELP: &'static str;
    const STRICT_HELP: &'static str;
}

macro_rules! solving {
    ($(#[$doc:meta])* $name:ident, $noun:literal, time_limit = $limit:literal, mip_gap = $gap:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name;

        impl Solving for $name {
            const START_HELP: &'static str =
                concat!("First day to ", $noun, " (YYYY-MM-DD, local date)");
            const DAYS_HELP: &'static str = concat!("Number of days to ", $noun);
            const TIME_LIMIT: &'static str = $limit;
            const TIME_LIMIT_HELP: &'static str =
                concat!("Stop the solver after this long and keep the best ", $noun, " found");
            const MIP_GAP: &'static str = $gap;
            const MIP_GAP_HELP: &'static str = concat!(
                "Stop once the ", $noun, " is proven within this relative gap of the optimum"
            );
            const STRICT_HELP: &'static str =
                concat!("Exit with code 1 when the ", $noun, " leaves requirements unmet");
        }
    };
}

solving!(
    /// `wfm schedule`: a minute's search by default, to a 0.5% gap.
    Scheduling,
    "schedule",
    time_limit = "60s",
    mip_gap = "0.5%"
);
solving!(
    /// `wfm roster`: a larger model, so a longer search and a 1% gap.
    Rostering,
    "roster",
    time_limit = "110s",
    mip_gap = "1%"
);

/// The days to plan and the site's time zone.
///
/// The dates are `Option` only so that `wfm roster check` (a subcommand that negates
/// required flags) parses; clap requires them otherwise: use [`Horizon::start`].
#[derive(Debug, Clone, clap::Args)]
pub struct Horizon<S: Solving> {
    #[arg(long, required = true, value_parser = values::date, help = S::START_HELP)]
    pub start: Option<NaiveDate>,
    #[arg(long, required = true, value_parser = values::days, help = S::DAYS_HELP)]
    pub days: Option<u32>,
    /// The site's IANA time zone, checked against the requirements' UTC offsets;
    /// without it, their one offset as a fixed zone.
    #[arg(long, env = "WFM_TZ", value_parser = values::time_zone)]
    pub tz: Option<Tz>,
    #[arg(skip)]
    solving: PhantomData<S>,
}

impl<S: Solving> Horizon<S> {
    /// The first day (clap has required it).
    pub fn start(&self) -> NaiveDate {
        self.start.expect("clap requires --start")
    }

    /// The number of days (clap has required it).
    pub fn days(&self) -> u32 {
        self.days.expect("clap requires --days")
    }

    /// The site's zone, from `--tz` or `WFM_TZ`, else the offsets of the canonical
    /// table `data` (requirements), and checked against them (see [`site_zone`]).
    pub fn tz(&self, data: &std::path::Path) -> crate::error::Result<Tz> {
        site_zone(
            self.tz,
            &[crate::zone::scan(data, Layout::CANONICAL, self.tz)],
        )
    }
}

/// What a command says when neither `--tz` nor `WFM_TZ` names the site's zone.
pub const NO_TIME_ZONE: &str = "no time zone: pass --tz ZONE or set WFM_TZ (e.g. Europe/London)";

/// The site's zone, never guessed: `--tz` (or `WFM_TZ`, which clap reads for it),
/// else the one UTC offset every timestamp of the inputs is written at, as a
/// fixed-offset zone (with a warning: it knows no daylight saving). A zone that an
/// input's offsets contradict, timestamps with no offset and no zone, and offsets
/// that change with no zone are input errors (exit code 2). `inputs` is what
/// [`crate::zone::scan`] found in each input that has timestamps.
pub fn site_zone(given: Option<Tz>, inputs: &[Option<Evidence>]) -> crate::error::Result<Tz> {
    let inputs: Vec<&Evidence> = inputs.iter().flatten().collect();
    match given {
        Some(zone) => agreeing_zone(zone, &inputs),
        None => zone_from_offsets(&inputs),
    }
}

/// `zone`, unless an input writes an offset the zone does not have at that instant.
fn agreeing_zone(zone: Tz, inputs: &[&Evidence]) -> crate::error::Result<Tz> {
    match inputs
        .iter()
        .find_map(|input| input.contradiction(zone, "--tz or WFM_TZ"))
    {
        None => Ok(zone),
        Some(error) => Err(error),
    }
}

/// The fixed-offset zone of the one offset every input is written at.
fn zone_from_offsets(inputs: &[&Evidence]) -> crate::error::Result<Tz> {
    let no_zone = |why: String| Error::input(format!("{NO_TIME_ZONE}; {why}"));
    if let Some((file, naive)) = inputs
        .iter()
        .find_map(|input| input.naive.as_ref().map(|n| (&input.file, n)))
    {
        return Err(no_zone(format!(
            "{file}: line {}: \"{}\" has no UTC offset to place it by",
            naive.line, naive.text
        )));
    }
    let offsets: Vec<(&String, &WrittenOffset)> = inputs
        .iter()
        .flat_map(|input| input.offsets.iter().map(move |o| (&input.file, o)))
        .collect();
    let (file, first) = match offsets.as_slice() {
        [] => return Err(Error::input(NO_TIME_ZONE)),
        [one, rest @ ..] if rest.iter().all(|(_, o)| o.offset == one.1.offset) => *one,
        [(file, first), ..] => {
            let (other_file, other) = offsets
                .iter()
                .find(|(_, o)| o.offset != first.offset)
                .expect("two offsets differ");
            return Err(no_zone(format!(
                "the UTC offsets change ({} at {file} line {}, {} at {other_file} line {}), as in a zone with daylight saving, which offsets alone do not name",
                first.offset, first.first.line, other.offset, other.first.line
            )));
        }
    };
    let zone = fixed_zone(first.offset).ok_or_else(|| {
        no_zone(format!(
            "{file}: every timestamp is at UTC offset {}, which names no fixed zone",
            first.offset
        ))
    })?;
    tracing::warn!(
        "no --tz or WFM_TZ: every timestamp of {file} is at UTC offset {}, so it is read in the fixed zone {zone}, which has no daylight saving; pass --tz ZONE to name the site's zone",
        first.offset
    );
    Ok(zone)
}

impl HistoryArgs {
    /// The history, one per queue: a Parquet table in its own stored zone, anything
    /// else read in the site's zone (`--tz` or `WFM_TZ`, required).
    pub fn read(&self) -> crate::error::Result<Vec<crate::forecast::series::QueueHistory>> {
        let zone = if crate::ingest::is_parquet(&self.history) {
            self.tz.unwrap_or(Tz::UTC)
        } else {
            site_zone(
                self.tz,
                &[crate::zone::scan(&self.history, Layout::history(), self.tz)],
            )?
        };
        read_histories(&self.history, zone.name())
    }
}

/// When the solver stops: a time limit or a proven gap, whichever comes first.
#[derive(Debug, Clone, clap::Args)]
pub struct SolverLimitArgs<S: Solving> {
    #[arg(
        long = "time-limit",
        default_value = S::TIME_LIMIT,
        value_parser = values::positive_duration,
        help = S::TIME_LIMIT_HELP
    )]
    pub time_limit: Duration,
    #[arg(long = "mip-gap", default_value = S::MIP_GAP, value_parser = values::share, help = S::MIP_GAP_HELP)]
    pub mip_gap: f64,
    #[arg(skip)]
    solving: PhantomData<S>,
}

impl<S: Solving> SolverLimitArgs<S> {
    /// The limits as the solver takes them.
    pub fn limits(&self) -> SolverLimits {
        SolverLimits {
            time_limit_seconds: self.time_limit.seconds,
            mip_gap: self.mip_gap,
        }
    }
}

/// The projected service level in the coverage output, and `--strict`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs<S: Solving> {
    /// Targets per queue (targets.toml, as for wfm staff): each queue's projected
    /// service level uses its own answer_within, model, patience and shrinkage.
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// Service-level target time for the projected service level in the coverage (for
    /// queues whose --targets set none).
    #[arg(long = "answer-within", default_value = "20s", value_parser = values::duration)]
    pub answer_within: Duration,
    /// Shrinkage for the projected service level, for every queue; by default each
    /// queue's own with --targets, else estimated from the requirements.
    #[arg(long, value_parser = values::shrinkage)]
    pub shrinkage: Option<f64>,
    #[arg(long, help = S::STRICT_HELP)]
    pub strict: bool,
    #[arg(skip)]
    solving: PhantomData<S>,
}

/// How calls reach the agents (`wfm roster`, `wfm schedule`).
#[derive(Debug, Clone, clap::Args)]
pub struct RoutingArgs {
    /// Call routing: `assigned` (an agent answers only the queue the roster gives
    /// them; queues change only at a rest or after --min-queue-block) or `skills` (an
    /// agent is logged into all their skills, longest-idle agent first).
    #[arg(long, default_value = "assigned", value_parser = values::routing)]
    pub routing: Routing,
    /// With `--routing assigned`: the shortest time on one queue before a change that
    /// is not at a lunch or break.
    #[arg(long = "min-queue-block", default_value = "1h", value_parser = values::positive_duration)]
    pub min_queue_block: Duration,
}

impl RoutingArgs {
    /// The routing and its rule, as the library takes them.
    pub fn rules(&self) -> RoutingRules {
        RoutingRules {
            routing: self.routing,
            min_queue_block_minutes: (self.min_queue_block.seconds / 60.0).ceil() as u32,
        }
    }
}

impl<S: Solving> ServiceArgs<S> {
    /// The per-queue targets of `--targets`, read and validated (exit code 2).
    pub fn queue_targets(&self) -> crate::error::Result<Option<QueueTargets>> {
        self.targets
            .as_deref()
            .map(|path| {
                QueueTargets::new(
                    &TargetsFile::read(path)?,
                    &ServiceTargets::default(),
                    &path.display().to_string(),
                )
            })
            .transpose()
    }
}

/// Reads the history into one history per queue: a `.parquet` file as the canonical
/// table `wfm ingest` writes (fast; its own time zone applies), anything else like
/// `wfm ingest` reads it (canonical CSV or an ACD interval export, in `zone`).
pub fn read_histories(
    path: &std::path::Path,
    zone: &str,
) -> crate::Result<Vec<crate::forecast::series::QueueHistory>> {
    let options = crate::ingest::IngestOptions {
        time_zone: crate::units::parse_time_zone(zone)?,
        ..crate::ingest::IngestOptions::default()
    };
    crate::forecast::series::read_queue_histories(path, &options)
}
