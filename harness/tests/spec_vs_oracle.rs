//! The model against the naive oracle: every sequence of up to three steps of the default
//! spec (plus depth-4 extensions of a sample), comparing the model's predicted outcome with
//! the oracle's, the oracle's observation with the model state, and the spec's
//! postconditions and invariants on the oracle's results. Two independent readings of the
//! semantics that must agree before the core is judged against them.

use harness::call::CallOutcome;
use harness::model::{ModelState, Storage};
use harness::oracle::handles::HandleId;
use harness::oracle::{NaiveFs, OracleConfig, StorageMode};
use harness::spec::{Spec, load_specs};
use std::path::Path;

fn spec() -> Spec {
    load_specs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn oracle(s: &Spec) -> NaiveFs {
    let c = &s.config;
    NaiveFs::new(OracleConfig {
        quota: c.quota,
        chunk_overhead: c.chunk_overhead,
        storage: match c.storage {
            Storage::Auto => StorageMode::Auto,
            Storage::Sequential => StorageMode::Sequential,
            Storage::RandomAccess => StorageMode::RandomAccess,
        },
        promotion_hard_limit: c.promotion_hard_limit,
        max_nodes: c.max_nodes,
    })
}

struct Node {
    model: ModelState,
    fs: NaiveFs,
    slots: Vec<Option<HandleId>>,
    path: Vec<usize>,
}

fn walk(s: &Spec, n: &Node, depth: usize, problems: &mut Vec<String>) {
    if depth == 0 || problems.len() >= 20 {
        return;
    }
    let t = (n.path.len() as u64 + 1) * 1000;
    for step in 0..s.steps.len() {
        let mut fs = n.fs.clone();
        let mut slots = n.slots.clone();
        fs.set_now(t);
        let out = fs.run(&mut slots, &s.steps[step].call);
        let p = s.predict(&n.model, step);
        let obs = fs.observe(&slots);
        let mut path = n.path.clone();
        path.push(step);
        let labels = || {
            path.iter()
                .map(|i| s.steps[*i].label.as_str())
                .collect::<Vec<_>>()
                .join(" ; ")
        };
        let agree = match (&out, p.outcome()) {
            (CallOutcome::Ok(_), Ok(())) => true,
            (CallOutcome::Err { kind, .. }, Err(k)) => *kind == k,
            _ => false,
        };
        if !agree {
            problems.push(format!(
                "{}: oracle {:?}, model {:?}",
                labels(),
                out,
                p.outcome()
            ));
            continue;
        }
        if let Err(m) = s.model_matches(&p.next, &obs) {
            problems.push(format!("{}: state: {m}", labels()));
            continue;
        }
        for r in s.check_post(step, &p.next, &out, &obs) {
            if !r.ok {
                problems.push(format!(
                    "{}: {} failed: {}",
                    labels(),
                    s.clauses[r.clause as usize].id,
                    r.message
                ));
            }
        }
        let child = Node {
            model: p.next,
            fs,
            slots,
            path,
        };
        walk(s, &child, depth - 1, problems);
    }
}

#[test]
fn model_and_oracle_agree_on_every_sequence_of_three_steps() {
    let s = spec();
    let root = Node {
        model: s.init_state(),
        fs: oracle(&s),
        slots: Vec::new(),
        path: Vec::new(),
    };
    let mut problems = Vec::new();
    walk(&s, &root, 3, &mut problems);
    assert!(
        problems.is_empty(),
        "{} disagreements (first 20):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Depth 4 over distinct (model, oracle) states: a state reached again by another prefix is
/// not expanded twice (the key holds the oracle's relative-time fingerprint and handles).
#[test]
fn model_and_oracle_agree_at_depth_four_over_distinct_states() {
    use std::collections::HashSet;
    let s = spec();
    let mut level = vec![Node {
        model: s.init_state(),
        fs: oracle(&s),
        slots: Vec::new(),
        path: Vec::new(),
    }];
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for _ in 0..4 {
        let mut next = Vec::new();
        for n in &level {
            let t = (n.path.len() as u64 + 1) * 1000;
            for step in 0..s.steps.len() {
                let mut fs = n.fs.clone();
                let mut slots = n.slots.clone();
                fs.set_now(t);
                let out = fs.run(&mut slots, &s.steps[step].call);
                let p = s.predict(&n.model, step);
                let obs = fs.observe(&slots);
                let mut path = n.path.clone();
                path.push(step);
                let labels = path
                    .iter()
                    .map(|i| s.steps[*i].label.as_str())
                    .collect::<Vec<_>>()
                    .join(" ; ");
                let agree = match (&out, p.outcome()) {
                    (CallOutcome::Ok(_), Ok(())) => true,
                    (CallOutcome::Err { kind, .. }, Err(k)) => *kind == k,
                    _ => false,
                };
                if !agree {
                    problems.push(format!("{labels}: oracle {out:?}, model {:?}", p.outcome()));
                    continue;
                }
                if let Err(m) = s.model_matches(&p.next, &obs) {
                    problems.push(format!("{labels}: state: {m}"));
                    continue;
                }
                for r in s.check_post(step, &p.next, &out, &obs) {
                    if !r.ok {
                        problems.push(format!(
                            "{labels}: {} failed: {}",
                            s.clauses[r.clause as usize].id, r.message
                        ));
                    }
                }
                if seen.insert((
                    p.next.clone(),
                    fs.fingerprint_relative_time(),
                    obs.handles.clone(),
                )) {
                    next.push(Node {
                        model: p.next,
                        fs,
                        slots,
                        path,
                    });
                }
            }
            if problems.len() >= 20 {
                break;
            }
        }
        level = next;
    }
    assert!(
        problems.is_empty(),
        "{} disagreements (first 20):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
