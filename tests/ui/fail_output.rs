use actix_mcp::tool;

/// Returns something a tool cannot.
#[tool]
async fn returns_a_number() -> u32 {
    42
}

fn main() {}
