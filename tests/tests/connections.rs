//! Slow and idle clients cannot hold the server: headers must arrive in time, idle kept-alive
//! connections are closed, and the number of open connections is capped.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use ai_trader_e2e::{Options, Server, Workspace};

fn connect(server: &Server) -> TcpStream {
    let address = server.url.trim_start_matches("http://");
    let stream = TcpStream::connect(address).expect("connect");
    // Far longer than the server's 1 s deadline: a read that returns means the server acted.
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Reads until the server closes the connection; what it sent.
fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return String::from_utf8_lossy(&seen).into_owned(),
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return String::from_utf8_lossy(&seen).into_owned();
            }
            Err(e) => panic!(
                "the server kept the connection open: {e}; got {:?}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed_and_capped() {
    let workspace = Workspace::new();
    let options = Options::dev()
        .with("HEADER_READ_TIMEOUT_SECONDS", "1")
        .with("MAX_CONNECTIONS", "3");
    let server = workspace.start(&options);

    // Headers that never end (slowloris).
    let mut slow = connect(&server);
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1")
        .unwrap();
    let reply = read_until_closed(&mut slow);
    assert!(!reply.contains("200 OK"), "{reply}");

    // A connection that never says anything.
    let mut silent = connect(&server);
    read_until_closed(&mut silent);

    // One request, then idle on a kept-alive connection.
    let mut idle = connect(&server);
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let reply = read_until_closed(&mut idle);
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");

    // With every slot held by silent clients, a real client is served once they time out.
    let held: Vec<TcpStream> = (0..3).map(|_| connect(&server)).collect();
    let (status, health) = server.get("/health").await;
    assert_eq!(status, 200, "{health}");
    drop(held);
}
