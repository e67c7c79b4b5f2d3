use super::*;
use crate::fs::oracle::OracleConfig;

fn open(slot: u8, path: &str, mode: &str) -> Call {
    Call::Open {
        slot,
        path: path.into(),
        mode: mode.into(),
        preallocate: 0,
        lock_timeout_ms: None,
    }
}

fn err(kind: ErrKind, reason: Option<&str>) -> CallOutcome {
    CallOutcome::err(kind, reason)
}

/// A fresh oracle with small numbers, its clock at 1, and no slots yet.
fn exec() -> OracleExec {
    let mut f = NaiveFs::new(OracleConfig {
        quota: 10_000,
        chunk_overhead: 10,
        storage: StorageMode::Auto,
        promotion_hard_limit: 1_000,
        max_nodes: None,
        guard: Default::default(),
    });
    f.set_now(1);
    OracleExec::new(f, 0)
}

#[test]
fn calls_map_to_outcomes_and_slots() {
    // spec: OPEN-8, HANDLE-3, HANDLE-14, LOCK-3, CONC-5
    let mut f = exec();
    let ok = CallOutcome::Ok(StepValue::Unit);
    assert_eq!(f.run(&open(1, "/f", "wb")), ok);
    assert_eq!(f.slots().len(), 2);
    assert_eq!(
        f.run(&Call::Write {
            slot: 1,
            data: b"abc".to_vec()
        }),
        CallOutcome::Ok(StepValue::U64(3))
    );
    assert_eq!(
        f.run(&Call::Tell { slot: 1 }),
        CallOutcome::Ok(StepValue::U64(3))
    );
    assert_eq!(
        f.run(&Call::Read { slot: 0, max: None }),
        err(ErrKind::InvalidInput, None),
        "empty slot"
    );
    assert_eq!(
        f.run(&open(0, "/f", "rb")),
        err(ErrKind::WouldBlock, Some("LockTimeout")).at("/f")
    );
    assert_eq!(
        f.run(&Call::Remove { path: "/f".into() }),
        err(ErrKind::WouldBlock, Some("FileOpen")).at("/f")
    );
    // Reopening slot 1 itself conflicts with the writer it still holds: the slot is kept.
    assert_eq!(
        f.run(&open(1, "/f", "rb")),
        err(ErrKind::WouldBlock, Some("LockTimeout")).at("/f")
    );
    assert_eq!(f.run(&Call::Close { slot: 1 }), ok);
    assert_eq!(
        f.run(&Call::Write {
            slot: 1,
            data: b"x".to_vec()
        }),
        err(ErrKind::InvalidInput, None).at("/f")
    );
    assert_eq!(f.run(&open(1, "/f", "rb")), ok);
    assert_eq!(
        f.run(&Call::Read {
            slot: 1,
            max: Some(2)
        }),
        CallOutcome::Ok(StepValue::Bytes(b"ab".to_vec()))
    );
    // A successful open into an occupied slot closes the old handle.
    let old = f.slots()[1];
    assert_eq!(f.run(&open(1, "/g", "xb")), ok);
    assert!(old.is_some_and(|h| f.fs().is_closed(h)));
    let o = f.observe();
    assert_eq!(
        o.handles[1]
            .as_ref()
            .map(|h| (h.path.as_str(), h.mode.as_str())),
        Some(("/g", "xb"))
    );
    assert_eq!(
        f.run(&Call::Stat { path: "/f".into() }),
        CallOutcome::Ok(StepValue::Stat {
            size: 3,
            created: 1,
            modified: 1,
            generation: 1,
            is_dir: false
        })
    );
    assert_eq!(
        f.run(&Call::Stats),
        CallOutcome::Ok(StepValue::Stats(f.fs().stats()))
    );
    assert_eq!(
        f.run(&Call::Glob {
            pattern: "/*".into()
        }),
        CallOutcome::Ok(StepValue::Names(vec!["/f".into(), "/g".into()]))
    );
    assert_eq!(
        f.run(&Call::Mkdir {
            path: "..".into(),
            exist_ok: true
        }),
        err(ErrKind::InvalidInput, None).at("..")
    );
    assert_eq!(
        f.run(&Call::ImportTree {
            entries: vec![("/g".into(), b"1".to_vec())]
        }),
        err(ErrKind::WouldBlock, Some("FileOpen")).at("/g")
    );
}
