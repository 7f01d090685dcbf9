//! Extract one page: `cargo run --release -p sitrep-ingest --example html_one -- FILE [URL]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read page");
    let html = sitrep_ingest::html::decode(&bytes, None);
    match sitrep_ingest::html::extract_with(
        &html,
        args.get(2).map(String::as_str),
        &sitrep_ingest::html::Options::from_env(),
    ) {
        Ok(x) => {
            println!("{}", serde_json::to_string_pretty(&x.meta).unwrap());
            println!("{}", x.text);
        }
        Err(e) => eprintln!("error: {e}"),
    }
}
