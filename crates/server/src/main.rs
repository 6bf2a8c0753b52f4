//! `ai-trader`: see `ai-trader --help`.

fn main() -> std::process::ExitCode {
    ai_trader_server::cli::main()
}
