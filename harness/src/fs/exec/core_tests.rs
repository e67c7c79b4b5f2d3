//! Unit tests of the core executor: the std io path (read_into, io errors) and quota amounts.

use super::*;
use crate::fs::config::FsConfig;

fn exec() -> CoreExec {
    let cfg = FsConfig {
        quota: 1000,
        ..FsConfig::default()
    };
    let fs = builder(&cfg).build().expect("build");
    CoreExec::new(fs, 2)
}

fn run(x: &mut CoreExec, c: Call) -> CallOutcome {
    x.run(&c).expect("no driver error")
}

fn open(slot: u8, path: &str, mode: &str) -> Call {
    Call::Open {
        slot,
        path: path.into(),
        mode: mode.into(),
        preallocate: 0,
        lock_timeout_ms: None,
    }
}

// spec: HANDLE-17, QUOTA-14
#[test]
fn io_errors_give_back_their_mfs_error_or_a_driver_error() {
    let e: std::io::Error = MfsError::NotFound { path: "/x".into() }.into();
    assert_eq!(
        io_outcome(&e, false).expect("recovered"),
        CallOutcome::err(ErrKind::NotFound, None).at("/x")
    );
    let plain = std::io::Error::other("not from the core");
    assert!(io_outcome(&plain, false).is_err(), "no MfsError inside");
    let relabelled = std::io::Error::new(
        std::io::ErrorKind::StorageFull,
        MfsError::NotFound { path: "/x".into() },
    );
    assert!(io_outcome(&relabelled, false).is_err(), "wrong io kind");
    assert_eq!(
        io_kind(ErrKind::QuotaExceeded),
        std::io::ErrorKind::StorageFull
    );
    assert_eq!(
        io_kind(ErrKind::NodeLimitExceeded),
        std::io::ErrorKind::StorageFull
    );
}

// spec: QUOTA-9, PREALLOC-5, LIMIT-1
#[test]
fn quota_errors_carry_their_amounts() {
    let cfg = FsConfig {
        quota: 400,
        chunk_overhead: 64,
        max_nodes: Some(2),
        ..FsConfig::default()
    };
    let mut x = CoreExec::new(builder(&cfg).build().expect("build"), 2);
    let big = vec![b'm'; 200];
    run(
        &mut x,
        Call::ImportTree {
            entries: vec![("/c".into(), big)],
        },
    );
    // wb with a preallocation on an existing file: the whole new charge (400 + 64) against
    // what is free once the old contents (200 + 64) are released: all 400 bytes.
    let wb = Call::Open {
        slot: 0,
        path: "/c".into(),
        mode: "wb".into(),
        preallocate: 400,
        lock_timeout_ms: None,
    };
    assert_eq!(
        run(&mut x, wb),
        CallOutcome::Err {
            kind: ErrKind::QuotaExceeded,
            reason: None,
            amounts: Some(ErrAmounts::Quota {
                requested: 464,
                available: 400
            }),
            path: Some("/c".into()),
            message: ErrorText::default(),
        }
    );
    let node = run(
        &mut x,
        Call::Mkdir {
            path: "/d".into(),
            exist_ok: false,
        },
    );
    assert_eq!(
        node.describe(),
        "Err(NodeLimitExceeded: 2 nodes, limit 2)",
        "root and /c"
    );
}

// spec: HANDLE-18, HANDLE-19, HANDLE-17
#[test]
fn read_into_goes_through_std_read() {
    let mut x = exec();
    assert_eq!(
        run(&mut x, Call::ReadInto { slot: 0, size: 1 }),
        no_handle(),
        "empty slot"
    );
    assert_eq!(
        run(&mut x, open(0, "/f", "wb")),
        CallOutcome::Ok(StepValue::Unit)
    );
    for data in [&b"hel"[..], b"lo"] {
        run(
            &mut x,
            Call::Write {
                slot: 0,
                data: data.to_vec(),
            },
        );
    }
    assert_eq!(
        run(&mut x, Call::ReadInto { slot: 0, size: 0 }),
        CallOutcome::err(ErrKind::Unsupported, None).at("/f"),
        "write-only, even into an empty buffer"
    );
    run(&mut x, Call::Close { slot: 0 });
    run(&mut x, open(1, "/f", "rb"));
    let read = |x: &mut CoreExec, size| match run(x, Call::ReadInto { slot: 1, size }) {
        CallOutcome::Ok(StepValue::Bytes(b)) => b,
        other => panic!("read_into answered {other:?}"),
    };
    assert_eq!(read(&mut x, 0), b"");
    assert_eq!(read(&mut x, 2), b"he");
    assert_eq!(
        read(&mut x, 2),
        b"ll",
        "from inside a chunk across into the next"
    );
    assert_eq!(read(&mut x, 64), b"o", "short at EOF");
    assert_eq!(read(&mut x, 64), b"");
    assert!(
        read_buffer(u64::MAX).is_err(),
        "no such buffer: a driver error"
    );
}
