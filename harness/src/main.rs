//! The `harness` command line: see `harness --help`.
use clap::Parser;

/// mimalloc for the whole binary: see harness/Cargo.toml for why and what it measured.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // clap exits with 2 on usage errors and 0 for --help/--version.
    let cli = harness::cli::Cli::parse();
    std::process::exit(harness::cli::run(cli) as i32);
}
