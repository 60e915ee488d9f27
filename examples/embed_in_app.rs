//! An existing actix-web app that adds MCP beside its own routes (the second seed
//! article's point): the app keeps `/` and `/api/weather`; MCP clients connect to
//! `http://127.0.0.1:8080/ai/mcp` (Streamable HTTP) or `/ai/sse` (legacy).
//!
//! Run: `cargo run --example embed_in_app`

use actix_mcp::{tool, McpServer};
use actix_web::{web, App, HttpServer, Responder};

/// The app's own data, shared by its HTTP routes and its MCP tool.
fn forecast_for(city: &str) -> String {
    let sunny = city.len().is_multiple_of(2);
    format!(
        "{city}: {}",
        if sunny {
            "sunny, 21°C"
        } else {
            "light rain, 14°C"
        }
    )
}

async fn weather(path: web::Path<String>) -> impl Responder {
    forecast_for(&path)
}

/// Today's weather for a city.
#[tool(read_only, destructive = false, idempotent, open_world = false)]
async fn forecast(
    /// City name, e.g. "Lisbon".
    city: String,
) -> String {
    forecast_for(&city)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mcp = McpServer::builder()
        .name("weather-app", "1.0.0")
        .instructions("Use `forecast` to get today's weather for a city.")
        .tool(forecast())
        .build()
        .map_err(std::io::Error::other)?;

    println!(
        "app on http://127.0.0.1:8080/ — MCP clients connect to http://127.0.0.1:8080/ai/mcp (or /ai/sse)"
    );
    // Build the MCP server once, outside the closure: every worker shares its sessions.
    HttpServer::new(move || {
        App::new()
            .route("/", web::get().to(|| async { "my existing app" }))
            .route("/api/weather/{city}", web::get().to(weather))
            .service(web::scope("/ai").configure(mcp.configure()))
    })
    .tcp_nodelay(true)
    .bind(("127.0.0.1", 8080))?
    .run()
    .await
}
