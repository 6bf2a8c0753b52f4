//! Points the embedded web UI at Trunk's `dist/` (or `AI_TRADER_UI_EMBED_DIR`). Without a built
//! UI the binary embeds one page that says how to build it, so `cargo build` always works.

use std::path::PathBuf;

const MISSING_UI: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>AI-Trader</title></head>\
<body><h1>AI-Trader</h1><p>This binary was built without its web UI. Run <code>scripts/build-ui</code> and build \
it again, or set <code>AI_TRADER_UI_DIR</code> to a built UI. The API answers as usual.</p></body></html>\n";

fn main() {
    println!("cargo:rerun-if-env-changed=AI_TRADER_UI_EMBED_DIR");
    if std::env::var_os("CARGO_FEATURE_EMBEDDED_UI").is_none() {
        return;
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dist = std::env::var_os("AI_TRADER_UI_EMBED_DIR")
        .map_or_else(|| manifest.join("../../dist"), PathBuf::from);
    // A directory is scanned as a whole: a new build's hashed files re-run this script.
    println!("cargo:rerun-if-changed={}", dist.display());
    let embedded = if dist.join("index.html").is_file() {
        dist.canonicalize().expect("dist/ is readable")
    } else {
        println!(
            "cargo:warning=web UI not built ({} has no index.html): the binary serves a page saying so; run scripts/build-ui and build again",
            dist.display()
        );
        let placeholder =
            PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("ui-missing");
        std::fs::create_dir_all(&placeholder).expect("OUT_DIR is writable");
        std::fs::write(placeholder.join("index.html"), MISSING_UI).expect("OUT_DIR is writable");
        placeholder
    };
    println!(
        "cargo:rustc-env=AI_TRADER_EMBEDDED_UI={}",
        embedded.display()
    );
}
