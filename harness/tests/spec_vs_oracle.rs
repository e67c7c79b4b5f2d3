//! The model against the naive oracle: every sequence of up to three steps of the default
//! spec (plus depth-4 extensions of a sample), comparing the model's predicted outcome with
//! the oracle's, the oracle's observation with the model state, and the spec's
//! postconditions and invariants on the oracle's results. Two independent readings of the
//! semantics that must agree before the core is judged against them.

use harness::fs::call::CallOutcome;
use harness::fs::config::Storage;
use harness::fs::exec::oracle::OracleExec;
use harness::fs::model::ModelState;
use harness::fs::oracle::NaiveFs;
use harness::fs::spec::{Spec, load_specs};
use std::path::Path;

fn spec() -> Spec {
    load_specs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The default spec with another `storage` setting (how STORE-4 and STORE-5 are reached).
fn spec_with_storage(kind: &str) -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let clauses = std::fs::read(dir.join("clauses.yaml")).unwrap_or_default();
    let memfs = std::fs::read_to_string(dir.join("memfs.yaml")).unwrap_or_default();
    assert!(memfs.contains("storage: auto"));
    let memfs = memfs.replace("storage: auto", &format!("storage: {kind}"));
    harness::fs::spec::load_spec_sources(&[
        ("clauses.yaml", &clauses),
        ("memfs.yaml", memfs.as_bytes()),
    ])
    .unwrap_or_else(|e| panic!("{e}"))
}

fn oracle(s: &Spec) -> OracleExec {
    OracleExec::new(NaiveFs::new((&s.config).into()), 0)
}

struct Node {
    model: ModelState,
    fs: OracleExec,
    path: Vec<usize>,
}

fn walk(s: &Spec, n: &Node, depth: usize, problems: &mut Vec<String>) {
    if depth == 0 || problems.len() >= 20 {
        return;
    }
    let t = (n.path.len() as u64 + 1) * 1000;
    for step in 0..s.steps.len() {
        let mut fs = n.fs.clone();
        fs.fs_mut().set_now(t);
        let out = fs.run(&s.steps[step].call);
        let p = s.predict(&n.model, step);
        let obs = fs.observe();
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
    // spec: STORE-4, STORE-5, QUOTA-3
    let zero_overhead =
        load_specs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/variants/zero_overhead"))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(zero_overhead.config.chunk_overhead, 0);
    // spec: STORE-8 (its 5-byte hard limit: a 5-byte file promotes, a 200-byte one cannot)
    let promotion_limit = load_specs(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/variants/promotion_limit"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(promotion_limit.config.promotion_hard_limit, 5);
    for s in [
        spec(),
        spec_with_storage("sequential"),
        spec_with_storage("random_access"),
        zero_overhead,
        promotion_limit,
    ] {
        let held_failed = depth_four(&s);
        if s.config.storage == Storage::Sequential {
            let i = s.clause_index("STORE-4").expect("STORE-4") as usize;
            assert_eq!(
                held_failed[i],
                (true, true),
                "STORE-4 held and failed under storage sequential"
            );
        }
        if s.config.promotion_hard_limit == 5 {
            let i = s.clause_index("STORE-8").expect("STORE-8") as usize;
            assert_eq!(
                held_failed[i],
                (true, true),
                "STORE-8 held and failed under a 5-byte promotion limit"
            );
        }
    }
}

/// Runs the depth-4 comparison; returns per clause whether a precondition held / failed.
fn depth_four(s: &Spec) -> Vec<(bool, bool)> {
    use std::collections::HashSet;
    let mut hf = vec![(false, false); s.clauses.len()];
    let mut level = vec![Node {
        model: s.init_state(),
        fs: oracle(s),
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
                fs.fs_mut().set_now(t);
                let out = fs.run(&s.steps[step].call);
                let p = s.predict(&n.model, step);
                for (c, h) in p.verdict.pre_results(s) {
                    if h {
                        hf[c as usize].0 = true;
                    } else {
                        hf[c as usize].1 = true;
                    }
                }
                let obs = fs.observe();
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
                    fs.fs().fingerprint_relative_time(),
                    obs.handles.clone(),
                )) {
                    next.push(Node {
                        model: p.next,
                        fs,
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
        "storage {:?}: {} disagreements (first 20):\n{}",
        s.config.storage,
        problems.len(),
        problems.join("\n")
    );
    hf
}

/// The memory guard's variants: the model's guard (preconditions, warnings counted where the
/// guard is reached) against the oracle's own guard, over every distinct state to depth 4.
#[test]
fn model_and_oracle_agree_on_the_memory_guard_variants() {
    // spec: GUARD-4, GUARD-5, GUARD-12
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/variants");
    for v in [
        "memory_guard",
        "memory_guard_warn",
        "memory_guard_init",
        "memory_guard_host_unknown",
    ] {
        let s = load_specs(&dir.join(v)).unwrap_or_else(|e| panic!("{v}: {e}"));
        let held_failed = depth_four(&s);
        if v == "memory_guard" {
            let i = s.clause_index("GUARD-4").expect("GUARD-4") as usize;
            assert_eq!(held_failed[i], (true, true), "{v}: GUARD-4 held and failed");
        }
    }
}
