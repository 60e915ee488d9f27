use actix_mcp::tool;

#[tool]
async fn undocumented() -> String {
    String::new()
}

/// Unknown argument.
#[tool(read_olny)]
async fn misspelt() -> String {
    String::new()
}

/// A flag given a string.
#[tool(destructive = "yes")]
async fn wrong_value() -> String {
    String::new()
}

fn main() {}
