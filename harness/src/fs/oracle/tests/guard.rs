use super::*;

/// The test configuration with a memory guard on a host with `available` bytes.
fn guarded(when: GuardWhen, does: GuardDoes, available: Option<u64>) -> NaiveFs {
    let mut f = NaiveFs::new(OracleConfig {
        guard: MemoryGuard {
            when,
            does,
            host_available: available,
        },
        ..cfg()
    });
    f.set_now(1);
    f
}

#[test]
fn per_write_error_refuses_each_allocation_path_and_changes_nothing() {
    // spec: GUARD-4, GUARD-7, GUARD-8, GUARD-9, GUARD-10, GUARD-13
    let mut f = guarded(GuardWhen::BeforeEachAllocation, GuardDoes::Fail, Some(9));
    put(&mut f, "/a", b"123456789");
    f.mkdir("/d", false).expect("mkdir");
    put(&mut f, "/d/x", b"hello");
    put(&mut f, "/d/y", b"hello");
    let h = f.open("/k", "wb", 0).expect("wb");
    f.write(h, b"hello").expect("5 bytes");
    f.write(h, b"hello")
        .expect("5 more: each write is checked alone");
    f.close(h);
    let before = obs(&f);
    let h = f.open("/a", "ab", 0).expect("ab");
    assert_eq!(kind(f.write(h, b"0123456789")), "OutOfMemory");
    assert_eq!(kind(f.truncate(h, Some(19))), "OutOfMemory");
    f.close(h);
    assert_eq!(kind(f.open("/n", "wb", 10)), "OutOfMemory");
    assert_eq!(kind(f.open("/a", "r+b", 19)), "OutOfMemory");
    assert_eq!(kind(f.copy("/k", "/c")), "OutOfMemory");
    assert_eq!(kind(f.copy_tree("/d", "/e")), "OutOfMemory");
    assert_eq!(
        kind(f.import_tree(&[("/i".into(), vec![1; 10])])),
        "OutOfMemory"
    );
    let mut after = obs(&f);
    after.handles = before.handles.clone();
    assert_eq!(after.nodes, before.nodes, "nothing changed");
    assert_eq!(after.stats, before.stats);
    // Exactly the available bytes pass; a repeated path counts once with its last data.
    let h = f.open("/b", "wb", 9).expect("9 bytes of preallocation");
    f.close(h);
    f.import_tree(&[("/j".into(), vec![1; 20]), ("/j".into(), vec![2; 3])])
        .expect("3 bytes");
    assert_eq!(f.warnings(), 0);
    check_invariants(&f);
}

#[test]
fn per_write_warn_counts_and_keeps_the_warning_when_the_quota_fails() {
    // spec: GUARD-5, GUARD-12
    let mut f = guarded(GuardWhen::BeforeEachAllocation, GuardDoes::Warn, Some(4));
    put(&mut f, "/a", b"hello");
    assert_eq!(f.warnings(), 1);
    let h = f.open("/a", "ab", 0).expect("ab");
    assert_eq!(
        f.write(h, b""),
        Ok(0),
        "nothing to allocate, nothing checked"
    );
    assert_eq!(kind(f.write(h, &vec![0; 20_000])), "QuotaExceeded");
    assert_eq!(f.warnings(), 2, "warned before the quota refused");
    assert_eq!(get_size(&f, "/a"), 5);
    assert_eq!(obs(&f).warnings, Some(2));
}

fn get_size(f: &NaiveFs, p: &str) -> u64 {
    f.get_size(p).expect("size")
}

#[test]
fn init_and_none_and_unknown() {
    // spec: GUARD-1, GUARD-2, GUARD-3, GUARD-6, GUARD-14
    // init: the quota (10_000) against the host, once, at build.
    let f = guarded(GuardWhen::AtBuild, GuardDoes::Warn, Some(100));
    assert_eq!(f.warnings(), 1);
    let cfg_err = OracleConfig {
        guard: MemoryGuard {
            when: GuardWhen::AtBuild,
            does: GuardDoes::Fail,
            host_available: Some(100),
        },
        ..cfg()
    };
    assert_eq!(full(NaiveFs::build(cfg_err)), Kind::OutOfMemory);
    assert!(
        NaiveFs::build(OracleConfig {
            quota: 100,
            ..cfg_err
        })
        .is_ok()
    );
    let mut f = guarded(GuardWhen::AtBuild, GuardDoes::Fail, Some(100_000));
    put(&mut f, "/a", &[1; 300]);
    assert_eq!(f.warnings(), 0, "init does not check writes");
    // `build`: another filesystem on the same host, this one untouched.
    assert_eq!(
        full(f.try_build(100_001, GuardWhen::AtBuild, GuardDoes::Fail)),
        Kind::OutOfMemory
    );
    assert_eq!(
        f.try_build(100_001, GuardWhen::AtBuild, GuardDoes::Warn),
        Ok(1)
    );
    assert_eq!(
        f.try_build(100_000, GuardWhen::AtBuild, GuardDoes::Fail),
        Ok(0)
    );
    for when in [GuardWhen::Never, GuardWhen::BeforeEachAllocation] {
        assert_eq!(f.try_build(u64::MAX, when, GuardDoes::Fail), Ok(0));
    }
    // none: however little the host has.
    let mut f = guarded(GuardWhen::Never, GuardDoes::Fail, Some(0));
    put(&mut f, "/a", &[1; 300]);
    assert_eq!(f.warnings(), 0);
    // unknown: everything through.
    let mut f = guarded(GuardWhen::BeforeEachAllocation, GuardDoes::Fail, None);
    put(&mut f, "/a", &[1; 300]);
    f.copy("/a", "/b").expect("copy");
    assert_eq!(
        f.try_build(u64::MAX, GuardWhen::AtBuild, GuardDoes::Fail),
        Ok(0)
    );
}
