//! Schemathesis (installed by scripts/setup) fuzzes the live server against its own OpenAPI
//! document: every check, a bounded number of examples per operation, a fixed seed.

use std::path::Path;
use std::process::Command;

use ai_trader_e2e::{Options, Workspace};

#[test]
fn the_live_api_conforms_to_its_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tool = std::env::var_os("SCHEMATHESIS").map_or_else(
        || root.join("target/schemathesis/bin/schemathesis"),
        Into::into,
    );
    assert!(
        tool.exists(),
        "{} missing: run scripts/setup",
        tool.display()
    );
    let workspace = Workspace::new();
    let options = Options::dev().with("AI_TRADER_TODAY", "2025-11-03");
    let server = workspace.start(&options);
    // Schemathesis keeps a cache where it runs: in the workspace, never in the checkout.
    let output = Command::new(&tool)
        .current_dir(workspace.path(""))
        .arg("--config-file")
        .arg(root.join("tests/schemathesis/schemathesis.toml"))
        .args(["--no-color", "run"])
        .arg(format!("{}/openapi.json", server.url))
        .args([
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--workers",
            "1",
            "--seed",
            "1",
        ])
        .output()
        .expect("run schemathesis");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found failures:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("passed"), "{report}");
}
