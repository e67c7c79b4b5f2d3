//! The linearizability checker on hand-built histories of the toy key-value spec: it accepts
//! valid concurrent histories, rejects planted violations, and shrinks them to small witnesses.

use harness::linearize::toy::{KvCall, KvOut, KvSpec};
use harness::linearize::{CheckOptions, CheckResult, Op, check_history};

fn op(
    thread: usize,
    call: KvCall,
    outcome: KvOut,
    invoke_ns: u64,
    return_ns: u64,
) -> Op<KvCall, KvOut> {
    Op {
        thread,
        call,
        outcome,
        invoke_ns,
        return_ns,
    }
}
fn put(k: &str, v: u64) -> KvCall {
    KvCall::Put(k.into(), v)
}
fn get(k: &str) -> KvCall {
    KvCall::Get(k.into())
}

fn verdict(h: &[Op<KvCall, KvOut>]) -> CheckResult<KvCall, KvOut> {
    check_history(&KvSpec, h, &CheckOptions::default()).0
}

#[test]
fn overlapping_write_read_may_see_either_value() {
    // T0 writes 1 while T1 reads overlapping it: reading 1 or nothing are both linearizable.
    for seen in [Some(1), None] {
        let h = vec![
            op(0, put("x", 1), KvOut::Unit, 10, 30),
            op(1, get("x"), KvOut::Value(seen), 20, 40),
        ];
        assert!(
            matches!(verdict(&h), CheckResult::Linearizable),
            "seen {seen:?}"
        );
    }
}

#[test]
fn stale_read_after_completed_write_is_rejected() {
    // put(x,1) returned before get(x) was invoked, yet the read saw nothing.
    let h = vec![
        op(0, put("x", 1), KvOut::Unit, 10, 20),
        op(1, get("x"), KvOut::Value(None), 30, 40),
    ];
    match verdict(&h) {
        CheckResult::NotLinearizable(w) => assert!(!w.ops.is_empty() && w.ops.len() <= 2, "{w}"),
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn two_successful_cas_from_the_same_value_are_rejected() {
    let h = vec![
        op(0, put("x", 0), KvOut::Unit, 0, 5),
        op(1, KvCall::Cas("x".into(), 0, 1), KvOut::Flag(true), 10, 50),
        op(2, KvCall::Cas("x".into(), 0, 2), KvOut::Flag(true), 12, 52),
    ];
    assert!(matches!(verdict(&h), CheckResult::NotLinearizable(_)));
    // With one of them failing it is fine.
    let mut ok = h.clone();
    ok[2].outcome = KvOut::Flag(false);
    assert!(matches!(verdict(&ok), CheckResult::Linearizable));
}

#[test]
fn new_old_inversion_between_readers_is_rejected() {
    // Register x: 0 then a long write of 1. Reader A sees 1 and finishes; reader B starts later
    // and sees 0 again: impossible in any sequential order.
    let h = vec![
        op(0, put("x", 0), KvOut::Unit, 0, 1),
        op(0, put("x", 1), KvOut::Unit, 10, 100),
        op(1, get("x"), KvOut::Value(Some(1)), 20, 30),
        op(2, get("x"), KvOut::Value(Some(0)), 40, 50),
    ];
    assert!(matches!(verdict(&h), CheckResult::NotLinearizable(_)));
}

/// A large valid history: 8 threads, 4 keys, each thread writes its own increasing values
/// and reads keys at times where the expected value is known.
fn big_valid_history(n_rounds: u64) -> Vec<Op<KvCall, KvOut>> {
    let mut h = Vec::new();
    let keys = ["a", "b", "c", "d"];
    for r in 0..n_rounds {
        let base = r * 100;
        for (t, k) in keys.iter().enumerate() {
            // writer t puts value r on key k in [base, base+40], overlapping a reader that may
            // see the old or the new value.
            h.push(op(t, put(k, r), KvOut::Unit, base, base + 40));
            let old = if r == 0 { None } else { Some(r - 1) };
            let seen = if (r + t as u64).is_multiple_of(2) {
                Some(r)
            } else {
                old
            };
            h.push(op(t + 4, get(k), KvOut::Value(seen), base + 10, base + 50));
            // after both returned, a read must see the new value
            h.push(op(
                t + 4,
                get(k),
                KvOut::Value(Some(r)),
                base + 60,
                base + 70,
            ));
        }
    }
    h
}

#[test]
fn large_valid_history_is_linearizable_and_partitioned() {
    let h = big_valid_history(2000);
    let (res, stats) = check_history(&KvSpec, &h, &CheckOptions::default());
    assert!(matches!(res, CheckResult::Linearizable), "{res:?}");
    assert_eq!(stats.partitions, 4);
    assert_eq!(stats.ops, 24_000);
}

#[test]
fn planted_violation_in_large_history_is_found_and_shrunk() {
    let mut h = big_valid_history(500);
    // Corrupt one late read of key "c" (round 300): it now sees a value from round 100.
    let idx = h
        .iter()
        .position(|o| o.call == get("c") && o.invoke_ns == 300 * 100 + 60)
        .expect("planted read exists");
    h[idx].outcome = KvOut::Value(Some(100));
    let (res, _) = check_history(&KvSpec, &h, &CheckOptions::default());
    match res {
        CheckResult::NotLinearizable(w) => {
            assert!(w.ops.len() <= 10, "witness not small: {w}");
            assert!(
                w.ops.iter().any(|o| o.outcome == KvOut::Value(Some(100))),
                "{w}"
            );
            let shown = w.to_string();
            assert!(shown.contains("thread"), "timeline missing: {shown}");
        }
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn a_global_op_merges_partitions_and_is_checked() {
    let h = vec![
        op(0, put("a", 1), KvOut::Unit, 0, 10),
        op(1, put("b", 1), KvOut::Unit, 0, 10),
        op(2, KvCall::Len, KvOut::Count(1), 20, 30),
    ];
    let (res, stats) = check_history(&KvSpec, &h, &CheckOptions::default());
    assert_eq!(stats.partitions, 1);
    assert!(matches!(res, CheckResult::NotLinearizable(_)));
}

#[test]
fn exhausted_budget_is_reported_as_unknown_not_as_a_verdict() {
    let h = big_valid_history(50);
    let opts = CheckOptions {
        max_steps_per_partition: 3,
        ..CheckOptions::default()
    };
    let (res, _) = check_history(&KvSpec, &h, &opts);
    assert!(matches!(res, CheckResult::Unknown { .. }), "{res:?}");
}
