//! Golden plans: each `fixtures/plan/NAME.input.json` (`{"request", "context"}`) planned natively
//! must equal `NAME.expected.json` byte for byte. The wasm tests compare the wasm module's output
//! with the same files, so native and browser planning are proven identical.
//!
//! `UPDATE_FIXTURES=1 cargo test -p ai-trader-core --test plan_fixtures` rewrites the expected
//! files (review the diff).

use std::path::{Path, PathBuf};

use ai_trader_core::{PlanContext, PlanRequest, plan};
use serde::Deserialize;

#[derive(Deserialize)]
struct Input {
    request: PlanRequest,
    context: PlanContext,
}

/// The expected text for one input: the plan, or `{"error": {code, message, status}}`.
fn planned(input: &str) -> String {
    let input: Input = serde_json::from_str(input).expect("fixture input parses");
    match plan(&input.request, &input.context) {
        Ok(plan) => serde_json::to_string(&plan).unwrap(),
        Err(err) => serde_json::json!({
            "error": {"code": err.code(), "message": err.to_string(), "status": err.status_code()}
        })
        .to_string(),
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan")
}

#[test]
fn native_plans_equal_the_golden_files() {
    #[allow(clippy::disallowed_methods)]
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".input.json"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 20, "fixtures missing: {}", inputs.len());
    let mut names = Vec::new();
    for input in &inputs {
        let name = input
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".input.json", "");
        let expected_path = fixture_dir().join(format!("{name}.expected.json"));
        let actual = planned(&std::fs::read_to_string(input).unwrap());
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} missing: run with UPDATE_FIXTURES=1",
                expected_path.display()
            )
        });
        assert_eq!(actual, expected, "fixture {name}");
        names.push(name);
    }
    // The wasm tests include the fixtures by name: the list there must name every file.
    let wasm_list = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../wasm/tests/node.rs"),
    )
    .unwrap();
    for name in &names {
        assert!(
            wasm_list.contains(&format!("fixture!(\"{name}\")")),
            "{name} not in crates/wasm/tests/node.rs"
        );
    }
}
