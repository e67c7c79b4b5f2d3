//! What "the subject agrees with the reference" means when a subject cannot share something
//! with the harness: one place, chosen from the subject's handshake and said in the run's
//! summary: [`Comparison`]. Timestamps: a subject without a settable clock stamps real times,
//! so they are compared by order (which are equal, which is later), not by value. And the
//! parts a subject may be unable to report (memory-guard warnings, storage layouts, quota
//! errors' amounts): each is left out of every comparison when not reported, never guessed.

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

/// Whether a part a subject may be unable to report is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reported {
    /// Both parties report it: a difference is a finding.
    #[default]
    Compared,
    /// The subject does not report it (its handshake lacks the capability): it is left out of
    /// both sides before comparing, and the run's summary says so.
    NotReported,
}

impl Reported {
    /// `Compared` if the subject offers the capability.
    pub fn when(offered: bool) -> Reported {
        if offered {
            Reported::Compared
        } else {
            Reported::NotReported
        }
    }
}

/// What a run compares between the subject and the reference: chosen once from the subject's
/// handshake (the core against the oracle: everything, exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Comparison {
    pub timestamps: Timestamps,
    /// Memory-guard warnings (`warnings` capability).
    pub warnings: Reported,
    /// Every file's storage layout (`layouts` capability).
    pub layouts: Reported,
    /// Quota errors' amounts, requested/available and current/limit (`error_amounts`).
    pub amounts: Reported,
    /// The path each error names (`error_paths`).
    pub paths: Reported,
}

impl Comparison {
    /// Whether everything is compared as it is (no copy is needed to compare).
    pub fn is_exact(&self) -> bool {
        *self == Comparison::default()
    }

    /// The run-summary notes for what this run compares less than fully.
    pub fn notes(&self) -> Vec<&'static str> {
        let left_out =
            |r: Reported, note: &'static str| (r == Reported::NotReported).then_some(note);
        self.timestamps
            .note()
            .into_iter()
            .chain(left_out(
                self.warnings,
                "memory-guard warnings not compared (the subject does not report them: no `warnings` capability)",
            ))
            .chain(left_out(
                self.layouts,
                "storage layouts (kind, chunk sizes) not compared: the subject does not report them (no `layouts` capability)",
            ))
            .chain(left_out(
                self.amounts,
                "quota errors' amounts (requested/available, current/limit) not compared: the subject does not report them (no `error_amounts` capability)",
            ))
            .chain(left_out(
                self.paths,
                "the path each error names not compared: the subject does not report it (no `error_paths` capability)",
            ))
            .collect()
    }

    /// The observation as this run compares it.
    pub fn observation(&self, o: &Observation) -> Observation {
        let mut o = self.timestamps.observation(o);
        if self.warnings == Reported::NotReported {
            o.warnings = None;
        }
        if self.layouts == Reported::NotReported {
            o.layouts = None;
        }
        o
    }

    /// The outcome as this run compares it.
    pub fn outcome(&self, o: &CallOutcome) -> CallOutcome {
        let o = self.timestamps.outcome(o);
        let o = match self.amounts {
            Reported::Compared => o,
            Reported::NotReported => o.without_amounts(),
        };
        match self.paths {
            Reported::Compared => o,
            Reported::NotReported => o.without_path(),
        }
    }

    /// Whether two observations agree as this run compares them.
    pub fn same_obs(&self, a: &Observation, b: &Observation) -> bool {
        if self.is_exact() {
            a == b
        } else {
            self.observation(a) == self.observation(b)
        }
    }

    /// Whether two outcomes agree as this run compares them.
    pub fn same_outcome(&self, a: &CallOutcome, b: &CallOutcome) -> bool {
        if self.is_exact() {
            a == b
        } else {
            self.outcome(a) == self.outcome(b)
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
            path: None,
            message: Default::default(),
        };
        assert_ne!(with(5), with(6));
        let a = Comparison {
            amounts: Reported::NotReported,
            ..Comparison::default()
        };
        assert!(a.same_outcome(&with(5), &with(6)));
        assert_eq!(
            a.outcome(&with(5)),
            CallOutcome::err(ErrKind::QuotaExceeded, None)
        );
        assert!(!a.same_outcome(
            &with(5),
            &CallOutcome::err(ErrKind::NodeLimitExceeded, None)
        ));
        let exact = Comparison::default();
        assert!(exact.is_exact());
        assert!(!exact.same_outcome(&with(5), &with(6)));
        assert_eq!(exact.outcome(&with(5)), with(5));
        assert_eq!(a.notes().len(), 1, "{:?}", a.notes());
    }

    #[test]
    fn parts_not_reported_leave_the_rest_compared() {
        use crate::fs::observation::LayoutObs;
        let mut a = obs(&[("/a", 1, 1)]);
        a.layouts = Some([("/a".to_string(), LayoutObs::Sequential(vec![1]))].into());
        let mut b = a.clone();
        b.layouts = None;
        b.warnings = Some(2);
        let exact = Comparison::default();
        assert!(!exact.same_obs(&a, &b));
        let neither = Comparison {
            layouts: Reported::NotReported,
            warnings: Reported::NotReported,
            ..Comparison::default()
        };
        assert!(neither.same_obs(&a, &b));
        assert_eq!(neither.notes().len(), 2, "{:?}", neither.notes());
        let layouts_only = Comparison {
            layouts: Reported::NotReported,
            ..Comparison::default()
        };
        assert!(!layouts_only.same_obs(&a, &b), "warnings still compared");
        b.warnings = a.warnings;
        assert!(layouts_only.same_obs(&a, &b));
        b.stats.used_bytes = 1;
        assert!(!neither.same_obs(&a, &b), "the rest is still compared");
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
