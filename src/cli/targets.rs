//! Target flags shared by `wfm erlang` and `wfm staff`.

use crate::staff::{ModelName, Seconds, ServiceTargets, Share};

use super::values::{self, Duration};

/// Staffing targets as flags; the same keys as `targets.toml`. Values are parsed by
/// clap; ranges are checked by [`ServiceTargets::resolve`], as for the file (hence
/// `allow_hyphen_values`: `--shrinkage -5%` gets the range message, not "unknown flag").
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TargetArgs {
    /// Service level X/T: X% of offered calls answered within T, e.g. 80/20 or 90%/30s.
    #[arg(long, value_name = "X/T", allow_hyphen_values = true, value_parser = values::service_level)]
    pub sl: Option<(f64, f64)>,
    /// Maximum average speed of answer (of answered calls), e.g. 20s.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = values::duration)]
    pub asa: Option<Duration>,
    /// Maximum agent occupancy, e.g. 85% or 0.85.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true, value_parser = values::share)]
    pub max_occupancy: Option<f64>,
    /// Share of paid time not available for calls (breaks, training, absence), e.g. 30%.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true, value_parser = values::share)]
    pub shrinkage: Option<f64>,
    /// Queueing model: erlang-c (callers never hang up) or erlang-a (needs --patience).
    #[arg(long, value_enum)]
    pub model: Option<ModelName>,
    /// Erlang A: callers' mean patience before hanging up, e.g. 120s.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = values::duration)]
    pub patience: Option<Duration>,
    /// Erlang A: maximum share of calls abandoning, e.g. 5%.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true, value_parser = values::share)]
    pub max_abandon: Option<f64>,
}

impl TargetArgs {
    /// The flags as target keys.
    pub fn to_service_targets(&self) -> ServiceTargets {
        let seconds = |d: &Option<Duration>| d.as_ref().map(|d| Seconds(d.seconds));
        ServiceTargets {
            service_level: self.sl.map(|(level, _)| Share(level)),
            answer_within: self.sl.map(|(_, within)| Seconds(within)),
            max_asa: seconds(&self.asa),
            max_occupancy: self.max_occupancy.map(Share),
            shrinkage: self.shrinkage.map(Share),
            model: self.model,
            patience: seconds(&self.patience),
            max_abandon: self.max_abandon.map(Share),
            min_agents: None,
        }
    }
}
