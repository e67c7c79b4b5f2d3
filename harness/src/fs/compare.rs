//! What "the subject agrees with the reference" means when a subject cannot share something
//! with the harness: one place, chosen from the subject's handshake and said in the run's
//! summary. The clock: a subject without a settable clock stamps real times, so timestamps are
//! compared by order (which are equal, which is later), not by value. The storage layout and
//! a quota error's amounts: a subject that cannot report them (no `layouts` or `error_amounts`
//! capability) is compared without them.

use crate::fs::call::CallOutcome;
use crate::fs::observation::{NodeObs, Observation, StepValue};
use std::collections::BTreeMap;

/// How timestamps are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Timestamps {
    /// By value: both parties stamp the harness's step times.
    #[default]
    Exact,
    /// By order within each observation; the timestamps in return values (`stat`) are not
    /// compared at all (a lone value has no order).
    Order,
}

impl Timestamps {
    /// The run-summary note for this mode, if it compares less than everything.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Timestamps::Exact => None,
            Timestamps::Order => Some(
                "timestamps compared by order, not value, and stat's timestamps not compared (the subject has no settable clock)",
            ),
        }
    }

    /// The observation as this mode compares it.
    pub fn observation(self, o: &Observation) -> Observation {
        match self {
            Timestamps::Exact => o.clone(),
            Timestamps::Order => by_order(o),
        }
    }

    /// The outcome as this mode compares it.
    pub fn outcome(self, o: &CallOutcome) -> CallOutcome {
        match (self, o) {
            (
                Timestamps::Order,
                CallOutcome::Ok(StepValue::Stat {
                    size,
                    generation,
                    is_dir,
                    ..
                }),
            ) => CallOutcome::Ok(StepValue::Stat {
                size: *size,
                created: 0,
                modified: 0,
                generation: *generation,
                is_dir: *is_dir,
            }),
            _ => o.clone(),
        }
    }
}

/// Whether the files' storage layouts are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layouts {
    /// Both parties report them (the core, and a subject with the `layouts` capability).
    #[default]
    Compared,
    /// The subject cannot report them: left out of every comparison, said in the summary.
    NotReported,
}

impl Layouts {
    /// The run-summary note for this mode, if it compares less than everything.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Layouts::Compared => None,
            Layouts::NotReported => Some(
                "storage layouts (kind, chunk sizes) not compared: the subject does not report them (no `layouts` capability)",
            ),
        }
    }

    /// The observation as this mode compares it.
    pub fn observation(self, o: &Observation) -> Observation {
        match self {
            Layouts::Compared => o.clone(),
            Layouts::NotReported => Observation {
                layouts: None,
                ..o.clone()
            },
        }
    }
}

/// Whether the amounts of quota errors (`requested`/`available`, `current`/`limit`) are
/// compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Amounts {
    /// Both parties report them (the core, and a subject with the `error_amounts` capability).
    #[default]
    Compared,
    /// The subject cannot report them: outcomes are compared by kind and reason only, said in
    /// the summary.
    NotReported,
}

impl Amounts {
    /// The run-summary note for this mode, if it compares less than everything.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Amounts::Compared => None,
            Amounts::NotReported => Some(
                "quota errors' amounts (requested/available, current/limit) not compared: the subject does not report them (no `error_amounts` capability)",
            ),
        }
    }

    /// The outcome as this mode compares it.
    pub fn outcome(self, o: &CallOutcome) -> CallOutcome {
        match self {
            Amounts::Compared => o.clone(),
            Amounts::NotReported => o.without_amounts(),
        }
    }
}

/// Every timestamp replaced by its rank among the observation's distinct timestamps (0 for the
/// earliest), so two observations agree exactly when their timestamps are ordered alike.
pub fn by_order(o: &Observation) -> Observation {
    let mut ranks: BTreeMap<u64, u64> = BTreeMap::new();
    for n in o.nodes.values() {
        let (c, m) = match n {
            NodeObs::Dir {
                created, modified, ..
            }
            | NodeObs::File {
                created, modified, ..
            } => (*created, *modified),
        };
        ranks.insert(c, 0);
        ranks.insert(m, 0);
    }
    for (i, r) in ranks.values_mut().enumerate() {
        *r = i as u64;
    }
    let rank = |t: &u64| ranks.get(t).copied().unwrap_or(0);
    let mut out = o.clone();
    for n in out.nodes.values_mut() {
        match n {
            NodeObs::Dir {
                created, modified, ..
            }
            | NodeObs::File {
                created, modified, ..
            } => {
                *created = rank(created);
                *modified = rank(modified);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(times: &[(&str, u64, u64)]) -> Observation {
        let mut o = Observation::default();
        for (p, c, m) in times {
            o.nodes.insert(
                p.to_string(),
                NodeObs::File {
                    data: Vec::new(),
                    generation: 0,
                    created: *c,
                    modified: *m,
                },
            );
        }
        o
    }

    #[test]
    fn order_keeps_equalities_and_order_only() {
        let harness = obs(&[("/a", 1000, 3000), ("/b", 2000, 2000)]);
        let real = obs(&[("/a", 17, 90), ("/b", 40, 40)]);
        assert_ne!(harness, real);
        assert_eq!(by_order(&harness), by_order(&real));
        let swapped = obs(&[("/a", 40, 90), ("/b", 17, 17)]);
        assert_ne!(by_order(&harness), by_order(&swapped));
        let tied = obs(&[("/a", 17, 40), ("/b", 40, 40)]);
        assert_ne!(by_order(&harness), by_order(&tied));
    }

    #[test]
    fn amounts_not_reported_compares_kind_and_reason_only() {
        use crate::fs::call::{ErrAmounts, ErrKind};
        let with = |requested| CallOutcome::Err {
            kind: ErrKind::QuotaExceeded,
            reason: None,
            amounts: Some(ErrAmounts::Quota {
                requested,
                available: 3,
            }),
            message: Default::default(),
        };
        assert_ne!(with(5), with(6));
        let a = Amounts::NotReported;
        assert_eq!(a.outcome(&with(5)), a.outcome(&with(6)));
        assert_eq!(
            a.outcome(&with(5)),
            CallOutcome::err(ErrKind::QuotaExceeded, None)
        );
        assert_ne!(
            a.outcome(&with(5)),
            CallOutcome::err(ErrKind::NodeLimitExceeded, None)
        );
        assert_eq!(Amounts::Compared.outcome(&with(5)), with(5));
    }

    #[test]
    fn layouts_not_reported_leave_the_rest_compared() {
        use crate::fs::observation::LayoutObs;
        let mut a = obs(&[("/a", 1, 1)]);
        a.layouts = Some([("/a".to_string(), LayoutObs::Sequential(vec![1]))].into());
        let mut b = a.clone();
        b.layouts = None;
        assert_ne!(a, b);
        assert!(a.same_but_layouts(&b));
        assert_eq!(
            Layouts::NotReported.observation(&a),
            Layouts::NotReported.observation(&b)
        );
        b.stats.used_bytes = 1;
        assert!(!a.same_but_layouts(&b));
    }

    #[test]
    fn order_mode_ignores_stat_times_only() {
        let a = CallOutcome::Ok(StepValue::Stat {
            size: 3,
            created: 1,
            modified: 2,
            generation: 1,
            is_dir: false,
        });
        let b = CallOutcome::Ok(StepValue::Stat {
            size: 3,
            created: 77,
            modified: 99,
            generation: 1,
            is_dir: false,
        });
        assert_eq!(Timestamps::Order.outcome(&a), Timestamps::Order.outcome(&b));
        assert_ne!(Timestamps::Exact.outcome(&a), Timestamps::Exact.outcome(&b));
    }
}
