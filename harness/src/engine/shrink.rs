//! Shrinking a failing sequence: first its shortest failing prefix, then 1-minimal (no single
//! step can be removed while it still fails), every candidate re-checked from scratch.

use super::run::{DriverFor, Parties, StepFailure};
use super::system::{StepId, System};

/// A shrunk failure: the minimal sequence and how its last step fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shrunk {
    pub steps: Vec<StepId>,
    pub failure: StepFailure,
    /// Sequences replayed while shrinking.
    pub attempts: usize,
}

/// Shrinks `seq`. Any failure counts as "still failing" (the kind may change, as with
/// delta debugging); `None` if `seq` does not fail when replayed from scratch.
pub fn shrink<S, A, B>(p: Parties<'_, S, A, B>, seq: &[StepId]) -> Option<Shrunk>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    shrink_while(p, seq, |_, _| true)
}

/// Shrinks `seq` to a 1-minimal sequence whose failure `keeps` accepts (the sequence up to its
/// failing step, and how it fails): failure groups shrink a witness without drifting into
/// another group's root cause. `None` if `seq` does not fail that way from scratch.
pub fn shrink_while<S, A, B>(
    p: Parties<'_, S, A, B>,
    seq: &[StepId],
    keeps: impl Fn(&[StepId], &StepFailure) -> bool,
) -> Option<Shrunk>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let mut attempts = 1;
    let first = p
        .run_sequence(seq)
        .filter(|f| keeps(&seq[..=f.position.min(seq.len().saturating_sub(1))], f))?;
    // The failing step ends the shortest failing prefix: every shorter prefix passed.
    let mut cur: Vec<StepId> = seq[..=first.position].to_vec();
    let mut failure = first;
    let mut i = 0;
    while i < cur.len() {
        if cur.len() == 1 {
            break;
        }
        let mut cand = cur.clone();
        cand.remove(i);
        attempts += 1;
        match p
            .run_sequence(&cand)
            .filter(|f| keeps(&cand[..=f.position.min(cand.len() - 1)], f))
        {
            Some(f) => {
                cand.truncate(f.position + 1);
                cur = cand;
                failure = f;
                // Earlier removals may have become possible: start over.
                i = 0;
            }
            None => i += 1,
        }
    }
    Some(Shrunk {
        steps: cur,
        failure,
        attempts,
    })
}
