//! Target flags shared by `wfm erlang` and `wfm staff`.

use crate::error::{Error, Result};
use crate::staff::{ModelName, Seconds, ServiceTargets, Share};
use crate::units::{parse_duration_seconds, parse_service_level, parse_share};

/// Staffing targets as flags; the same keys as `targets.toml`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TargetArgs {
    /// Service level X/T: X% of offered calls answered within T, e.g. 80/20 or 90%/30s.
    #[arg(long, value_name = "X/T", allow_hyphen_values = true)]
    pub sl: Option<String>,
    /// Maximum average speed of answer (of answered calls), e.g. 20s.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub asa: Option<String>,
    /// Maximum agent occupancy, e.g. 85% or 0.85.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true)]
    pub max_occupancy: Option<String>,
    /// Share of paid time not available for calls (breaks, training, absence), e.g. 30%.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true)]
    pub shrinkage: Option<String>,
    /// Queueing model: erlang-c (callers never hang up) or erlang-a (needs --patience).
    #[arg(long, value_enum)]
    pub model: Option<ModelName>,
    /// Erlang A: callers' mean patience before hanging up, e.g. 120s.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub patience: Option<String>,
    /// Erlang A: maximum share of calls abandoning, e.g. 5%.
    #[arg(long, value_name = "SHARE", allow_hyphen_values = true)]
    pub max_abandon: Option<String>,
}

impl TargetArgs {
    /// The flags as target keys; values are parsed here, ranges checked by
    /// [`ServiceTargets::resolve`].
    pub fn to_service_targets(&self) -> Result<ServiceTargets> {
        let (service_level, answer_within) = match &self.sl {
            Some(text) => {
                let (level, within) = flag("--sl", parse_service_level(text))?;
                (Some(Share(level)), Some(Seconds(within)))
            }
            None => (None, None),
        };
        Ok(ServiceTargets {
            service_level,
            answer_within,
            max_asa: duration("--asa", &self.asa)?,
            max_occupancy: share("--max-occupancy", &self.max_occupancy)?,
            shrinkage: share("--shrinkage", &self.shrinkage)?,
            model: self.model,
            patience: duration("--patience", &self.patience)?,
            max_abandon: share("--max-abandon", &self.max_abandon)?,
            min_agents: None,
        })
    }
}

/// Prefixes a parse error with the flag it came from.
pub(crate) fn flag<T>(name: &str, result: Result<T>) -> Result<T> {
    result.map_err(|e| Error::input(format!("{name}: {e}")))
}

fn duration(name: &str, text: &Option<String>) -> Result<Option<Seconds>> {
    text.as_deref()
        .map(|t| flag(name, parse_duration_seconds(t)).map(Seconds))
        .transpose()
}

fn share(name: &str, text: &Option<String>) -> Result<Option<Share>> {
    text.as_deref()
        .map(|t| flag(name, parse_share(t)).map(Share))
        .transpose()
}
