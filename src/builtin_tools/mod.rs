//! The tools the `actix-mcp` binary serves: the seed articles' `echo` and
//! `uppercase_text`. One file per tool; each is also a template for writing your own.

mod echo;
mod uppercase_text;

pub use echo::echo;
pub use uppercase_text::uppercase_text;

use crate::tool::Tool;

/// Every built-in tool, in the order `tools/list` shows them.
pub fn all() -> Vec<Tool> {
    vec![echo(), uppercase_text()]
}
