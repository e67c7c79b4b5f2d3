//! Loading the real specs/ directory, and the spec's clause coverage: every reachable clause
//! is referenced, and a depth-4 exploration of the model alone sees every precondition clause
//! both hold and fail and every postcondition clause checked.

use harness::fs::model::Storage;
use harness::fs::spec::{Spec, load_specs};
use std::collections::{HashMap, HashSet};
use std::path::Path;

fn spec() -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    match load_specs(&dir) {
        Ok(s) => s,
        Err(e) => panic!("specs/ does not load:\n{e}"),
    }
}

#[test]
fn real_specs_load_and_alphabet_is_tractable() {
    let s = spec();
    assert!(s.clauses.len() > 150, "clauses.yaml should be merged in");
    let a = s.steps.len();
    assert!(
        (60..=100).contains(&a),
        "alphabet size {a} should stay within 60..=100"
    );
    // Labels are unique: they name steps in regression files.
    let labels: HashSet<&str> = s.steps.iter().map(|st| st.label.as_str()).collect();
    assert_eq!(labels.len(), a);
}

#[test]
fn every_reachable_clause_is_referenced() {
    let s = spec();
    let refs = s.referenced_clauses();
    let missing: Vec<&str> = s
        .clauses
        .iter()
        .enumerate()
        .filter(|(i, c)| c.unreachable.is_none() && !refs.contains_key(&(*i as u16)))
        .map(|(_, c)| c.id.as_str())
        .collect();
    // These rules are not observable through the Call/Observation vocabulary (see the
    // spec helper's report); everything else must be referenced.
    let known = ["PATH-11", "TREE-7", "EXPORT-4", "STORE-5"];
    let unexpected: Vec<&&str> = missing.iter().filter(|m| !known.contains(m)).collect();
    assert!(
        unexpected.is_empty(),
        "unreferenced reachable clauses: {unexpected:?}"
    );
}

/// Breadth-first over distinct model states up to depth 4 (sound for the model alone: a
/// step's verdict depends only on the state and the step).
#[test]
fn depth_four_exercises_every_referenced_clause() {
    let s = spec();
    let mut held = vec![false; s.clauses.len()];
    let mut failed = vec![false; s.clauses.len()];
    let mut checked = vec![false; s.clauses.len()];
    let mut frontier = vec![s.init_state()];
    let mut seen: HashSet<harness::fs::model::ModelState> = frontier.iter().cloned().collect();
    for _depth in 0..4 {
        let mut next = Vec::new();
        for st in &frontier {
            for step in 0..s.steps.len() {
                let p = s.predict(st, step);
                for (c, h) in p.verdict.pre_results(&s) {
                    if h {
                        held[c as usize] = true;
                    } else {
                        failed[c as usize] = true;
                    }
                }
                if p.verdict.outcome.is_ok() {
                    for (_, cs) in &s.actions[s.steps[step].action].post {
                        for c in cs {
                            checked[*c as usize] = true;
                        }
                    }
                }
                if seen.insert(p.next.clone()) {
                    next.push(p.next);
                }
            }
        }
        frontier = next;
    }
    let mut pre_clauses: HashMap<u16, ()> = HashMap::new();
    for a in &s.actions {
        for (_, _, cs) in &a.pre {
            for c in cs {
                pre_clauses.insert(*c, ());
            }
        }
    }
    // STORE-4 needs `storage: sequential`; the default spec explores `auto`.
    let config_dependent = ["STORE-4"];
    let mut gaps = Vec::new();
    for (c, is_pre) in s.referenced_clauses() {
        let i = c as usize;
        let id = &s.clauses[i].id;
        if s.clauses[i].unreachable.is_some()
            || s.invariant_clauses().contains(&c)
            || config_dependent.contains(&id.as_str())
        {
            continue;
        }
        if is_pre && !(held[i] && failed[i]) && !checked[i] {
            gaps.push(format!("{id}: held={} failed={}", held[i], failed[i]));
        }
        if !is_pre && !checked[i] {
            gaps.push(format!("{id}: never checked"));
        }
    }
    eprintln!(
        "alphabet {}, distinct states up to depth 4: {}",
        s.steps.len(),
        seen.len()
    );
    assert!(
        gaps.is_empty(),
        "clauses not exercised at depth 4:\n{}",
        gaps.join("\n")
    );
}

#[test]
fn listings_name_every_action_and_clause() {
    let s = spec();
    let actions = s.list_actions();
    assert!(actions.starts_with(&format!(
        "{} actions, {} concrete steps",
        s.actions.len(),
        s.steps.len()
    )));
    for a in &s.actions {
        assert!(
            actions.contains(&format!("\n{}(", a.name)),
            "{} missing from the listing",
            a.name
        );
    }
    assert!(actions.contains("pre  not is_dir(path)  else IsADirectory  [OPEN-3]"));
    let clauses = s.list_clauses();
    assert_eq!(clauses.lines().count(), s.clauses.len() + 1);
    assert!(
        clauses
            .lines()
            .any(|l| l.starts_with("OPEN-3") && l.contains(" pre "))
    );
    assert!(
        clauses
            .lines()
            .any(|l| l.starts_with("GUARD-1") && l.contains("unreachable"))
    );
    // The shipped spec references every clause it can reach: the listing flags none as
    // UNREFERENCED unless the catalogue marks it unreachable.
    let unreferenced: Vec<&str> = clauses
        .lines()
        .filter(|l| l.contains("UNREFERENCED") && !l.contains("unreachable"))
        .collect();
    assert!(unreferenced.is_empty(), "{unreferenced:#?}");
}

#[test]
fn storage_variants_extend_the_default_spec() {
    // spec: STORE-4, STORE-5
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/variants");
    for (dir, want) in [
        ("sequential", Storage::Sequential),
        ("random_access", Storage::RandomAccess),
    ] {
        let s = load_specs(&base.join(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(s.config.storage, want);
        assert_eq!(
            s.config.quota, 400,
            "the other settings come from the base spec"
        );
        assert_eq!(s.steps.len(), spec().steps.len());
    }
}
