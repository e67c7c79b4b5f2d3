//! Exploration throughput (executed, fully checked steps per second) on the toy system and on
//! the filesystem system (core vs oracle, default specs). `cargo bench -p harness --bench explore`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use harness::engine::explore::{ExploreConfig, NoProgress, explore};
use harness::engine::run::Parties;
use harness::engine::toy::{ToyDriver, ToySystem};
use harness::fs::subject::{FsRun, Subject};
use std::hint::black_box;

fn toy(c: &mut Criterion) {
    let sys = ToySystem::new();
    let (s, r) = (ToyDriver::correct(), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
        verify_shortcuts: false,
    };
    let cfg = ExploreConfig {
        depth: 6,
        dedup: false,
        ..Default::default()
    };
    let steps = explore(p, &cfg, &NoProgress).steps;
    let mut g = c.benchmark_group("explore_toy");
    g.throughput(Throughput::Elements(steps));
    g.sample_size(10);
    g.bench_function("depth6_no_dedup", |b| {
        b.iter(|| black_box(explore(p, &cfg, &NoProgress).steps))
    });
    g.finish();
}

/// The filesystem system on the default specs: depths 2 and 3 without dedup (every step
/// executed and checked three ways) and depth 3 with dedup.
fn filesystem(c: &mut Criterion) {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let run = match FsRun::load(&specs, &Subject::Core) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("skipping the filesystem bench: {}: {e}", specs.display());
            return;
        }
    };
    let p = run.parties();
    let mut g = c.benchmark_group("explore_fs");
    g.sample_size(10);
    for (name, cfg) in [
        (
            "depth2_no_dedup",
            ExploreConfig {
                depth: 2,
                dedup: false,
                ..Default::default()
            },
        ),
        (
            // The explorer's throughput target (1M checked steps/s on 2 cores) is stated for
            // this run: every one of the 599,844 sequences' last steps executed and checked.
            "depth3_no_dedup",
            ExploreConfig {
                depth: 3,
                dedup: false,
                ..Default::default()
            },
        ),
        (
            "depth3_dedup",
            ExploreConfig {
                depth: 3,
                dedup: true,
                ..Default::default()
            },
        ),
    ] {
        let steps = explore(p, &cfg, &NoProgress).steps;
        g.throughput(Throughput::Elements(steps));
        g.bench_function(name, |b| {
            b.iter(|| black_box(explore(p, &cfg, &NoProgress).steps))
        });
    }
    g.finish();
}

criterion_group!(benches, toy, filesystem);
criterion_main!(benches);
