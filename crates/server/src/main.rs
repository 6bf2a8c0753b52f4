//! `ai-trader`: see `ai-trader --help`.

// jemalloc, whose background thread gives memory back to the system after a burst of large
// responses; glibc's malloc kept a load test's peak (scripts/bench-reads measures it).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    ai_trader_server::cli::main()
}
