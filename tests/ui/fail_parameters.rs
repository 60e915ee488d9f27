use actix_mcp::tool;

/// A destructuring pattern.
#[tool]
async fn pair((a, b): (u8, u8)) -> String {
    format!("{a}{b}")
}

/// A borrowed argument.
#[tool]
async fn borrowed(text: &str) -> String {
    text.to_owned()
}

/// An argument struct that is not alone.
#[tool]
async fn crowded(#[args] first: Vec<String>, second: String) -> String {
    format!("{first:?}{second}")
}

fn main() {}
