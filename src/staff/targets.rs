//! Service targets per queue: the keys of `targets.toml` (and later of `plan.toml`),
//! as written by planners, and their validated form.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::erlang::Model;
use crate::error::{Error, Result};
use crate::units::{parse_duration_seconds, parse_share};

/// A share as written in a file: `"80%"`, `"0.8"` or the number `0.8`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(pub f64);

/// A duration as written in a file: `"20s"`, `"3m"`, `"1h30m"` or a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seconds(pub f64);

#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Number(f64),
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = match TextOrNumber::deserialize(deserializer)? {
            TextOrNumber::Text(text) => parse_share(&text).map_err(serde::de::Error::custom)?,
            TextOrNumber::Number(number) => {
                parse_share(&number.to_string()).map_err(serde::de::Error::custom)?
            }
        };
        Ok(Share(value))
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = match TextOrNumber::deserialize(deserializer)? {
            TextOrNumber::Text(text) => {
                parse_duration_seconds(&text).map_err(serde::de::Error::custom)?
            }
            TextOrNumber::Number(number) => number,
        };
        Ok(Seconds(value))
    }
}

/// Which queueing model a queue is staffed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ModelName {
    /// M/M/N: callers never hang up.
    ErlangC,
    /// M/M/N+M: callers hang up after an exponential patience (needs `patience`).
    ErlangA,
}

/// Service targets as written in `targets.toml` (`[default]` and each `[queue.NAME]`)
/// or given as command-line flags. Every key is optional so that sections can be
/// layered with [`overlay`](Self::overlay); [`resolve`](Self::resolve) checks the result.
///
/// Kept in the library, with serde, because `plan.toml` embeds the same keys per queue.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceTargets {
    /// Share of offered calls to answer within `answer_within` (e.g. `"80%"`).
    pub service_level: Option<Share>,
    /// The service-level threshold T (e.g. `"20s"`).
    pub answer_within: Option<Seconds>,
    /// Upper bound on the average speed of answer of answered calls.
    pub max_asa: Option<Seconds>,
    /// Upper bound on agent occupancy.
    pub max_occupancy: Option<Share>,
    /// Share of paid time agents are not available for calls; default 0.
    pub shrinkage: Option<Share>,
    /// `erlang-c` (default) or `erlang-a`.
    pub model: Option<ModelName>,
    /// Mean caller patience, needed for `erlang-a`.
    pub patience: Option<Seconds>,
    /// Upper bound on the share of calls that abandon (`erlang-a` only).
    pub max_abandon: Option<Share>,
    /// Staffing floor for every interval, including zero-call ones; default 0.
    pub min_agents: Option<u32>,
}

impl ServiceTargets {
    /// These targets with every key that `over` sets replaced by its value.
    pub fn overlay(&self, over: &ServiceTargets) -> ServiceTargets {
        ServiceTargets {
            service_level: over.service_level.or(self.service_level),
            answer_within: over.answer_within.or(self.answer_within),
            max_asa: over.max_asa.or(self.max_asa),
            max_occupancy: over.max_occupancy.or(self.max_occupancy),
            shrinkage: over.shrinkage.or(self.shrinkage),
            model: over.model.or(self.model),
            patience: over.patience.or(self.patience),
            max_abandon: over.max_abandon.or(self.max_abandon),
            min_agents: over.min_agents.or(self.min_agents),
        }
    }

    /// Checks ranges and combinations and returns the targets ready for staffing.
    /// Messages name the problem in the planner's terms; callers add where it came from.
    pub fn resolve(&self) -> Result<Targets> {
        let service_level =
            match (self.service_level, self.answer_within) {
                (Some(Share(level)), Some(_)) => {
                    if !(level > 0.0 && level < 1.0) {
                        return Err(Error::input(format!(
                            "service level target {} must be above 0% and below 100%",
                            percent(level)
                        )));
                    }
                    Some(level)
                }
                (Some(_), None) => return Err(Error::input(
                    "a service level target needs answer_within (the T of \"X% within T seconds\")",
                )),
                (None, _) => None,
            };
        let answer_within = match self.answer_within {
            Some(Seconds(t)) if t < 0.0 || !t.is_finite() => {
                return Err(Error::input(format!(
                    "answer-within time must be 0 s or more, found {t} s"
                )))
            }
            Some(Seconds(t)) => Some(t),
            None => None,
        };
        let max_asa_seconds = match self.max_asa {
            Some(Seconds(asa)) if !(asa > 0.0 && asa.is_finite()) => {
                return Err(Error::input(format!(
                    "maximum ASA must be above 0 s, found {asa} s"
                )))
            }
            other => other.map(|Seconds(s)| s),
        };
        let max_occupancy = match self.max_occupancy {
            Some(Share(cap)) if !(cap > 0.0 && cap <= 1.0) => {
                return Err(Error::input(format!(
                    "maximum occupancy {} must be above 0% and at most 100%",
                    percent(cap)
                )))
            }
            other => other.map(|Share(s)| s),
        };
        let shrinkage = match self.shrinkage {
            Some(Share(s)) if !(0.0..1.0).contains(&s) => {
                return Err(Error::input(format!(
                    "shrinkage {} must be at least 0% and below 100%",
                    percent(s)
                )))
            }
            Some(Share(s)) => s,
            None => 0.0,
        };
        let model = match self.model.unwrap_or(ModelName::ErlangC) {
            ModelName::ErlangC => Model::ErlangC,
            ModelName::ErlangA => match self.patience {
                Some(Seconds(p)) if p > 0.0 && p.is_finite() => Model::ErlangA {
                    patience_seconds: p,
                },
                Some(Seconds(p)) => {
                    return Err(Error::input(format!(
                        "patience must be above 0 s, found {p} s"
                    )))
                }
                None => {
                    return Err(Error::input(
                        "model erlang-a needs patience (the callers' mean patience, e.g. 120s)",
                    ))
                }
            },
        };
        let max_abandon = match (self.max_abandon, model) {
            (None, _) => None,
            (Some(_), Model::ErlangC) => {
                return Err(Error::input(
                    "an abandon-rate target needs model erlang-a (Erlang C has no abandonment)",
                ))
            }
            (Some(Share(cap)), _) if !(cap > 0.0 && cap < 1.0) => {
                return Err(Error::input(format!(
                    "maximum abandon rate {} must be above 0% and below 100%",
                    percent(cap)
                )))
            }
            (Some(Share(cap)), _) => Some(cap),
        };
        let min_agents = self.min_agents.unwrap_or(0);
        crate::limits::check_agents(f64::from(min_agents), "min_agents")?;
        Ok(Targets {
            service_level,
            answer_within,
            max_asa_seconds,
            max_occupancy,
            shrinkage,
            model,
            max_abandon,
            min_agents,
        })
    }
}

/// Validated targets for one queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// Share in (0, 1) of offered calls to answer within `answer_within`.
    pub service_level: Option<f64>,
    /// T in seconds (≥ 0); set whenever `service_level` is, and may be set alone to
    /// report the service level without targeting it.
    pub answer_within: Option<f64>,
    pub max_asa_seconds: Option<f64>,
    /// In (0, 1].
    pub max_occupancy: Option<f64>,
    /// In [0, 1).
    pub shrinkage: f64,
    pub model: Model,
    /// In (0, 1), Erlang A only.
    pub max_abandon: Option<f64>,
    pub min_agents: u32,
}

impl Targets {
    /// True when at least one target constrains the number of agents.
    pub fn has_any(&self) -> bool {
        self.service_level.is_some()
            || self.max_asa_seconds.is_some()
            || self.max_occupancy.is_some()
            || self.max_abandon.is_some()
    }
}

impl fmt::Display for Targets {
    /// `80% within 20 s, ASA <= 20 s, occupancy <= 85%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let (Some(level), Some(t)) = (self.service_level, self.answer_within) {
            parts.push(format!("{} within {} s", percent(level), number(t)));
        }
        if let Some(asa) = self.max_asa_seconds {
            parts.push(format!("ASA <= {} s", number(asa)));
        }
        if let Some(cap) = self.max_occupancy {
            parts.push(format!("occupancy <= {}", percent(cap)));
        }
        if let Some(cap) = self.max_abandon {
            parts.push(format!("abandon <= {}", percent(cap)));
        }
        if parts.is_empty() {
            parts.push("none".to_string());
        }
        f.write_str(&parts.join(", "))
    }
}

/// `0.8` -> `80%`, `0.125` -> `12.5%`.
pub(crate) fn percent(share: f64) -> String {
    format!("{}%", crate::units::format_number(share * 100.0, 2))
}

fn number(value: f64) -> String {
    crate::units::format_number(value, 2)
}

/// The whole `targets.toml`: `[default]` for every queue and `[queue.NAME]` overrides.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsFile {
    #[serde(default)]
    pub default: ServiceTargets,
    #[serde(default)]
    pub queue: BTreeMap<String, ServiceTargets>,
}

impl TargetsFile {
    /// Reads and parses a targets file; errors name the file (exit code 2).
    pub fn read(path: &Path) -> Result<Self> {
        let text = crate::input::read_text(path)?;
        toml::from_str(&text).map_err(|e| {
            let file = crate::input::display_name(path);
            Error::input(format!("{file}: {}", e.to_string().trim_end()))
        })
    }
}

/// Resolved targets for every queue: the file's `[default]`, then its `[queue.NAME]`
/// section, then command-line flags, each overriding the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueTargets {
    default: Targets,
    per_queue: BTreeMap<String, Targets>,
}

impl QueueTargets {
    /// Resolves every section up front so that a mistake in any queue's section is
    /// reported before any work is done. `source` names where the targets came from
    /// in messages (e.g. the file name).
    pub fn new(file: &TargetsFile, flags: &ServiceTargets, source: &str) -> Result<Self> {
        let resolve = |section: &ServiceTargets, name: &str| -> Result<Targets> {
            let targets = section
                .overlay(flags)
                .resolve()
                .map_err(|e| Error::input(format!("{source} {name}: {e}")))?;
            if !targets.has_any() {
                return Err(Error::input(format!(
                    "{source} {name}: no staffing target; give at least one of service_level \
                     (with answer_within), max_asa, max_occupancy or max_abandon"
                )));
            }
            Ok(targets)
        };
        let default = resolve(&file.default, "[default]")?;
        let mut per_queue = BTreeMap::new();
        for (queue, section) in &file.queue {
            let layered = file.default.overlay(section);
            per_queue.insert(
                queue.clone(),
                resolve(&layered, &format!("[queue.{queue}]"))?,
            );
        }
        Ok(QueueTargets { default, per_queue })
    }

    /// The same targets for every queue, from command-line flags alone. They may set
    /// no target at all ([`QueueTargets::has_any`]): the caller says which of its flags
    /// give one.
    pub fn uniform(flags: &ServiceTargets) -> Result<Self> {
        Ok(QueueTargets {
            default: flags.resolve()?,
            per_queue: BTreeMap::new(),
        })
    }

    /// True when every queue has at least one target that constrains its agents.
    pub fn has_any(&self) -> bool {
        self.default.has_any() && self.per_queue.values().all(Targets::has_any)
    }

    /// The queues with a section of their own (`[queue.NAME]`).
    pub fn queue_names(&self) -> impl Iterator<Item = &str> {
        self.per_queue.keys().map(String::as_str)
    }

    /// The same targets with only the queue sections `keep` accepts: a plan of some
    /// of its history's queues (`[forecast] queues`) leaves the others' sections out.
    pub fn only(&self, keep: impl Fn(&str) -> bool) -> QueueTargets {
        QueueTargets {
            default: self.default,
            per_queue: self
                .per_queue
                .iter()
                .filter(|(queue, _)| keep(queue))
                .map(|(queue, targets)| (queue.clone(), *targets))
                .collect(),
        }
    }

    /// The targets for `queue`: its own section if it has one, else `[default]`.
    pub fn for_queue(&self, queue: &str) -> &Targets {
        self.per_queue.get(queue).unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[default]                 # applies to every queue
service_level = "80%"     # share answered within answer_within
answer_within = "20s"
max_asa = "20s"           # optional
max_occupancy = "85%"     # optional
shrinkage = "30%"         # optional, default 0
model = "erlang-c"        # or "erlang-a" (then patience and optionally max_abandon)
patience = "120s"
min_agents = 0
[queue.Sales]             # overrides per queue, any of the keys above
service_level = "90%"
[queue.Support]
model = "erlang-a"
max_abandon = 0.05
min_agents = 2
"#;

    #[test]
    fn documented_example_parses_and_layers() {
        let file: TargetsFile = toml::from_str(EXAMPLE).unwrap();
        let targets = QueueTargets::new(&file, &ServiceTargets::default(), "targets.toml").unwrap();
        let other = targets.for_queue("Billing");
        assert_eq!(other.service_level, Some(0.8));
        assert_eq!(other.answer_within, Some(20.0));
        assert_eq!(other.max_asa_seconds, Some(20.0));
        assert_eq!(other.max_occupancy, Some(0.85));
        assert_eq!(other.shrinkage, 0.3);
        assert_eq!(other.model, Model::ErlangC);
        let sales = targets.for_queue("Sales");
        assert_eq!(sales.service_level, Some(0.9));
        assert_eq!(sales.answer_within, Some(20.0));
        let support = targets.for_queue("Support");
        assert_eq!(
            support.model,
            Model::ErlangA {
                patience_seconds: 120.0
            }
        );
        assert_eq!(support.max_abandon, Some(0.05));
        assert_eq!(support.min_agents, 2);
    }

    #[test]
    fn flags_override_every_section() {
        let file: TargetsFile = toml::from_str(EXAMPLE).unwrap();
        let flags = ServiceTargets {
            shrinkage: Some(Share(0.35)),
            ..Default::default()
        };
        let targets = QueueTargets::new(&file, &flags, "targets.toml").unwrap();
        assert_eq!(targets.for_queue("Sales").shrinkage, 0.35);
        assert_eq!(targets.for_queue("Other").shrinkage, 0.35);
    }

    #[test]
    fn bad_sections_are_named() {
        let file: TargetsFile = toml::from_str(
            "[default]\nservice_level = \"80%\"\nanswer_within = \"20s\"\n[queue.Sales]\nshrinkage = \"100%\"\n",
        )
        .unwrap();
        let error = QueueTargets::new(&file, &ServiceTargets::default(), "t.toml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.toml [queue.Sales]: shrinkage 100% must be at least 0% and below 100%"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_rejected() {
        assert!(toml::from_str::<TargetsFile>("[default]\nservice_levl = \"80%\"\n").is_err());
        assert!(toml::from_str::<TargetsFile>("[default]\nservice_level = \"eighty\"\n").is_err());
        assert!(
            toml::from_str::<TargetsFile>("[default]\nanswer_within = \"20 parsecs\"\n").is_err()
        );
    }

    #[test]
    fn combinations_are_checked() {
        let base = ServiceTargets {
            service_level: Some(Share(0.8)),
            answer_within: Some(Seconds(20.0)),
            ..Default::default()
        };
        let no_t = ServiceTargets {
            answer_within: None,
            ..base.clone()
        };
        assert!(no_t.resolve().is_err());
        let abandon_without_a = ServiceTargets {
            max_abandon: Some(Share(0.05)),
            ..base.clone()
        };
        assert!(abandon_without_a.resolve().is_err());
        let a_without_patience = ServiceTargets {
            model: Some(ModelName::ErlangA),
            ..base.clone()
        };
        assert!(a_without_patience.resolve().is_err());
        for bad_level in [0.0, 1.0, 1.2, -0.1] {
            let bad = ServiceTargets {
                service_level: Some(Share(bad_level)),
                ..base.clone()
            };
            assert!(bad.resolve().is_err(), "{bad_level}");
        }
        let negative_t = ServiceTargets {
            answer_within: Some(Seconds(-1.0)),
            ..base.clone()
        };
        assert!(negative_t.resolve().is_err());
        assert_eq!(base.resolve().unwrap().to_string(), "80% within 20 s");
    }
}
