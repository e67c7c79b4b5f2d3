//! Exploration throughput (executed, fully checked steps per second) on the toy system and on
//! the filesystem system (core vs oracle, default specs). `cargo bench -p harness --bench explore`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use harness::engine::explore::{ExploreConfig, NoProgress, explore};
use harness::engine::run::Parties;
use harness::engine::toy::{ToyDriver, ToySystem};
use std::hint::black_box;

fn toy(c: &mut Criterion) {
    let sys = ToySystem::new();
    let (s, r) = (ToyDriver::correct(), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
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

criterion_group!(benches, toy);
criterion_main!(benches);
