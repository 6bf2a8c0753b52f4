//! Headless Chromium through chromedriver (Debian's packages), driven with fantoccini over plain
//! HTTP on loopback. Screenshots go to `target/screenshots/`.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// The built UI (scripts/build-ui writes it).
pub fn ui_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    assert!(
        dir.join("index.html").exists(),
        "{} missing: run scripts/build-ui first",
        dir.display()
    );
    dir
}

/// Where screenshots are saved.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// A browser session; chromedriver is killed when dropped.
pub struct Browser {
    driver: Child,
    _profile: tempfile::TempDir,
    /// The WebDriver client.
    pub client: Client,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium runs in chromedriver's process group: end the group, so a test that failed
        // before closing its session leaves no browser spinning behind it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts chromedriver on a port the system picks and reads that port back from its first
/// lines ("ChromeDriver was started successfully on port N."). A driver that exits before
/// saying it (seen once under a loaded CI machine) is started again, up to three times.
fn start_driver() -> (Child, u16) {
    for _ in 0..3 {
        if let Some(started) = try_start_driver() {
            return started;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("chromedriver did not say its port, three times");
}

fn try_start_driver() -> Option<(Child, u16)> {
    let mut driver = Command::new("chromedriver")
        .arg("--port=0")
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (apt-get install chromium-driver)");
    let stdout = driver.stdout.take().expect("chromedriver stdout");
    let mut lines = BufReader::new(stdout).lines();
    let port = lines.by_ref().map_while(Result::ok).find_map(|line| {
        line.strip_prefix("ChromeDriver was started successfully on port ")
            .and_then(|rest| rest.trim_end_matches('.').parse().ok())
    });
    let Some(port) = port else {
        let _ = driver.kill();
        let _ = driver.wait();
        return None;
    };
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Some((driver, port))
}

impl Browser {
    /// Starts chromedriver and a headless Chromium.
    pub async fn start() -> Self {
        let (driver, port) = start_driver();
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,1000",
            "--lang=en-US",
        ];
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        all.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities =
            json!({"goog:chromeOptions": {"args": all, "binary": "/usr/bin/chromium"}});
        let capabilities = capabilities.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"));
        Self {
            driver,
            _profile: profile,
            client,
        }
    }

    /// Opens a page.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Waits until `css` matches an element.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    /// Waits until `check` holds for the text of `css`.
    pub async fn wait_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        let seen = crate::eventually_or(Duration::from_secs(30), || async {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => match element.text().await {
                    Ok(text) if check(&text) => Ok(text),
                    Ok(text) => Err(format!("{text:?}")),
                    Err(e) => Err(e.to_string()),
                },
                Err(_) => Err("(absent)".to_owned()),
            }
        })
        .await;
        match seen {
            Ok(text) => text,
            Err(last) => {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                self.screenshot("failure").await;
                panic!(
                    "{css} never had the expected text: {last} at {url} (see target/screenshots/failure.png)"
                );
            }
        }
    }

    /// Sets an input's value as a user would type it (and fires `input`).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                 e.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![json!(css), json!(value)],
            )
            .await
            .expect("set value");
    }

    /// Types `keys` into the element at `css` as a person would: focus, then key presses.
    pub async fn type_into(&self, css: &str, keys: &str) {
        self.wait_for(css)
            .await
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Presses keys on whatever has the focus.
    pub async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(keys)
            .await
            .expect("key press");
    }

    /// Clicks the element at `css` (found again if the page re-rendered it meanwhile).
    pub async fn click(&self, css: &str) {
        let mut last = String::new();
        for _ in 0..5 {
            match self.wait_for(css).await.click().await {
                Ok(()) => return,
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("cannot click {css}: {last}");
    }

    /// Clicks the link showing `text` (a navigation link, as a person would).
    pub async fn follow(&self, text: &str) {
        self.client
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click the link {text:?}: {e}"));
    }

    /// The `id` of the focused element.
    pub async fn focused_id(&self) -> String {
        self.eval("return document.activeElement ? document.activeElement.id : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Resizes the window (CSS pixels of the whole window).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize");
    }

    /// Asserts that nothing scrolls sideways: the document is no wider than the window (tables
    /// scroll inside their own containers).
    pub async fn assert_no_sideways_scroll(&self, page: &str) {
        let widths = self
            .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        let (scroll, inner) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        if scroll > inner {
            self.screenshot(&format!("{page}-too-wide")).await;
            panic!("{page}: the page is {scroll} px wide in a {inner} px window");
        }
    }

    /// Runs JavaScript and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// Ends the browser session.
    pub async fn close(&self) {
        let _ = self.client.clone().close().await;
    }

    /// Saves a screenshot as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png)
            .expect("write screenshot");
    }
}
