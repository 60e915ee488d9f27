use actix_mcp::tool;

/// Not async.
#[tool]
fn blocking() -> String {
    String::new()
}

/// Generic.
#[tool]
async fn generic<T: Default>() -> String {
    String::new()
}

struct Server;

impl Server {
    /// A method.
    #[tool]
    async fn method(&self) -> String {
        String::new()
    }
}

fn main() {}
