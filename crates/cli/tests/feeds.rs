//! `sitrep feed add|list|remove` against a local server.

mod common;

use common::{bin, ok};

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Herald</title>
<link>http://valley.example/</link><description>test</description>
<item><title>Dam inspection finds no cracks</title><link>http://valley.example/dam</link>
<guid>vh-1</guid></item></channel></rss>"#;

fn server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new()
                .route("/rss.xml", axum::routing::get(|| async { RSS }))
                .route(
                    "/page.html",
                    axum::routing::get(|| async { "<html><body><p>Not a feed.</p></body></html>" }),
                );
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn feed(args: &[&str], store: &std::path::Path) -> std::process::Output {
    bin()
        .arg("feed")
        .args(args)
        .arg("--store")
        .arg(store)
        .output()
        .unwrap()
}

#[test]
fn add_list_remove() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    let url = format!("{base}/rss.xml");

    // Private address refused without the flag, and the message says how to allow it.
    let out = feed(&["add", &url], store);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-private"), "{err}");

    let out = feed(&["add", "ftp://valley.example/feed"], store);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an http(s) URL"));

    let out = feed(
        &["add", &format!("{base}/page.html"), "--allow-private"],
        store,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an RSS, Atom or JSON feed"));

    let out = feed(&["add", &url, "--allow-private", "--json"], store);
    ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["added"], true);
    assert_eq!(v["items_listed"], 1);
    assert_eq!(v["feed"]["title"], "Valley Herald");
    let id = v["feed"]["id"].as_i64().unwrap();

    let out = feed(&["add", &url, "--allow-private", "--json"], store);
    ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["added"], false);
    assert_eq!(v["feed"]["id"].as_i64(), Some(id));

    // --no-check stores without fetching (an unreachable public-looking host).
    let out = feed(
        &["add", "https://feeds.invalid/news.xml", "--no-check"],
        store,
    );
    ok(&out);

    let out = feed(&["list", "--json"], store);
    ok(&out);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["failures"], 0);
    let out = feed(&["list"], store);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Valley Herald"), "{text}");
    assert!(text.contains("feeds.invalid"), "{text}");

    ok(&feed(&["remove", &id.to_string()], store));
    let out = feed(&["remove", &id.to_string()], store);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sitrep feed list"));
    ok(&feed(&["remove", "https://feeds.invalid/news.xml"], store));
    let out = feed(&["list", "--json"], store);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.as_array().unwrap().is_empty());
}
