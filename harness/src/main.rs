//! The `harness` command line.
fn main() {
    eprintln!("harness: not yet implemented");
    std::process::exit(2);
}
