//! Health tells the truth: a database file deleted under the running server is noticed, health
//! answers 503, and writes stop with a clear error instead of going to a file nobody can open.

use ai_trader_e2e::{Options, Workspace};
use serde_json::json;

#[tokio::test]
async fn a_deleted_database_is_noticed_and_writes_stop() {
    let workspace = Workspace::sqlite();
    let options = Options::dev();
    workspace.import_real_data(&options);
    let server = workspace.start(&options);
    let (status, health) = server.get("/health").await;
    assert_eq!((status, health["status"].as_str()), (200, Some("healthy")));

    // DEV mode keeps its database beside the PROD one, as jobs_dev.db.
    for file in ["jobs_dev.db", "jobs_dev.db-wal", "jobs_dev.db-shm"] {
        std::fs::remove_file(workspace.path(file)).ok();
    }
    let (status, health) = server.get("/health").await;
    assert_eq!(status, 503, "{health}");
    assert_eq!(health["status"], "unhealthy");
    assert_eq!(health["database"], "disconnected");

    let (status, error) = server
        .post(
            "/simulate/trigger",
            &json!({"start_date": "2025-10-01", "end_date": "2025-10-02"}),
        )
        .await;
    assert_eq!(status, 503, "{error}");
    let detail = error["detail"].as_str().unwrap();
    assert!(
        detail.contains("was deleted or replaced while the server ran"),
        "{detail}"
    );
    assert!(
        !workspace.path("jobs_dev.db").exists(),
        "no new empty database"
    );
}
