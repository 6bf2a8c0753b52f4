//! A database whose file system fills up in the middle of a job: the worker keeps the day it
//! was running and retries its writes, `/health` says `degraded` with the reason, and once
//! space is back the job completes without a restart, every day starting from the previous
//! day's end. Needs root (a small tmpfs is mounted for the database).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ai_trader_e2e::fake_openai::{FakeOpenAi, Fallback, Reply, text};
use ai_trader_e2e::{Options, Workspace, eventually};
use serde_json::{Value, json};

/// A tmpfs of `megabytes` mounted on a fresh directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount");
        assert!(status.success(), "mounting a tmpfs needs root");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes zeros until the file system is full; returns the filler.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.flush();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

async fn health(server: &ai_trader_e2e::Server) -> Value {
    server.get("/health").await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_degrades_the_server_and_heals_without_a_restart() {
    let disk = SmallDisk::mount(48);
    let fake = FakeOpenAi::start().await;
    fake.fallback(Fallback::Always(Reply::Delayed(
        Duration::from_millis(300),
        Box::new(text("Holding my positions today. <FINISH_SIGNAL>")),
    )));
    let workspace = Workspace::new();
    let options = Options::prod().config(&fake.config("")).with(
        "AI_TRADER_DATABASE",
        disk.path().join("jobs.db").to_str().unwrap(),
    );
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let job = server
        .trigger(&json!({"start_date": "2025-07-07", "end_date": "2025-07-11"}))
        .await;
    let progress = |status: &Value| status["progress"]["completed"].as_u64().unwrap_or(0);
    eventually("a first day completes", Duration::from_secs(60), || async {
        let (_, status) = server.get(&format!("/simulate/status/{job}")).await;
        if progress(&status) >= 1 {
            Ok(())
        } else {
            Err(status.to_string())
        }
    })
    .await;

    // The disk fills up: the running day cannot be saved.
    let filler = disk.fill();
    let degraded = eventually("/health says degraded", Duration::from_secs(60), || async {
        let h = health(&server).await;
        if h["status"] == "degraded" {
            Ok(h)
        } else {
            Err(h.to_string())
        }
    })
    .await;
    let problem = degraded["problem"].as_str().unwrap_or_default().to_owned();
    assert!(problem.starts_with("a model-day: "), "{degraded}");
    // Still readable, still being worked on: never more than the one day in flight.
    let (code, status) = server.get(&format!("/simulate/status/{job}")).await;
    assert_eq!(code, 200);
    assert_eq!(status["status"], "running", "{status}");
    assert!(
        status["progress"]["running"].as_u64().unwrap() <= 1,
        "{status}"
    );
    let stuck_at = progress(&status);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, later) = server.get(&format!("/simulate/status/{job}")).await;
    assert_eq!(
        progress(&later),
        stuck_at,
        "nothing is saved while the disk is full"
    );

    // Space comes back: the job completes on its own.
    std::fs::remove_file(filler).unwrap();
    let done = server.wait(&job, Duration::from_secs(120)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"]["completed"], 5);
    eventually(
        "/health is healthy again",
        Duration::from_secs(30),
        || async {
            let h = health(&server).await;
            if h["status"] == "healthy" && h.get("problem").is_none() {
                Ok(())
            } else {
                Err(h.to_string())
            }
        },
    )
    .await;
    // Every day starts where the previous one ended.
    let (_, results) = server
        .get("/results?start_date=2025-07-07&end_date=2025-07-11&model=gpt-fake")
        .await;
    let values = results["results"][0]["daily_portfolio_values"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(values.len(), 5, "{results}");
    let mut previous: Option<f64> = None;
    for date in [
        "2025-07-07",
        "2025-07-08",
        "2025-07-09",
        "2025-07-10",
        "2025-07-11",
    ] {
        let (_, day) = server
            .get(&format!("/results?start_date={date}&model=gpt-fake"))
            .await;
        let day = &day["results"][0];
        if let Some(p) = previous {
            let start = day["starting_position"]["portfolio_value"]
                .as_f64()
                .unwrap();
            assert!(
                (start - p).abs() < 1e-6,
                "{date} starts at {start}, the day before ended at {p}"
            );
        }
        previous = day["final_position"]["portfolio_value"].as_f64();
    }
}
