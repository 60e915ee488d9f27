//! The arguments of `#[tool(...)]`: name and description overrides, the display title
//! and the behaviour hints.
//!
//! Owns: parsing and checking those arguments, with an error spanned on the offending
//! one. Must not: look at the function itself (that is `expand`'s job).

use syn::meta::ParseNestedMeta;
use syn::{LitBool, LitStr};

/// Everything `#[tool(...)]` may say; `None` means "not given".
#[derive(Default)]
pub struct ToolArgs {
    /// Replaces the function's name as the tool name clients call.
    pub name: Option<LitStr>,
    /// Replaces the doc comment as the description the model reads.
    pub description: Option<LitStr>,
    /// Goes to `Tool::title`, the human-readable display name.
    pub title: Option<LitStr>,
    /// `readOnlyHint`: set only when written, so unspecified hints stay absent.
    pub read_only: Option<LitBool>,
    /// `destructiveHint`.
    pub destructive: Option<LitBool>,
    /// `idempotentHint`.
    pub idempotent: Option<LitBool>,
    /// `openWorldHint`.
    pub open_world: Option<LitBool>,
    /// `execution.taskSupport`: `"forbidden"`, `"optional"` or `"required"`.
    pub task_support: Option<LitStr>,
}

/// Every argument `#[tool]` knows, for the "unknown argument" error.
const KNOWN: &str = "`name`, `description`, `title`, `read_only`, `destructive`, `idempotent`, `open_world`, `task_support`";

/// The values `task_support = ".."` may take, as `TaskSupport` spells them on the wire.
pub const TASK_SUPPORT: [(&str, &str); 3] = [
    ("forbidden", "Forbidden"),
    ("optional", "Optional"),
    ("required", "Required"),
];

impl ToolArgs {
    /// Takes one `key`, `key = "text"` or `key = bool` from the attribute.
    pub fn parse_one(&mut self, meta: ParseNestedMeta) -> syn::Result<()> {
        let Some(key) = meta.path.get_ident().map(ToString::to_string) else {
            return Err(meta.error(format!(
                "unknown `#[tool]` argument; expected one of {KNOWN}"
            )));
        };
        match key.as_str() {
            "name" => set_once(&mut self.name, string_value(&meta)?, &meta),
            "description" => set_once(&mut self.description, string_value(&meta)?, &meta),
            "title" => set_once(&mut self.title, string_value(&meta)?, &meta),
            "read_only" => set_once(&mut self.read_only, flag_value(&meta)?, &meta),
            "destructive" => set_once(&mut self.destructive, flag_value(&meta)?, &meta),
            "idempotent" => set_once(&mut self.idempotent, flag_value(&meta)?, &meta),
            "open_world" => set_once(&mut self.open_world, flag_value(&meta)?, &meta),
            "task_support" => {
                let value = string_value(&meta)?;
                if !TASK_SUPPORT.iter().any(|(wire, _)| value.value() == *wire) {
                    return Err(syn::Error::new_spanned(
                        &value,
                        "`task_support` is \"forbidden\", \"optional\" or \"required\"",
                    ));
                }
                set_once(&mut self.task_support, value, &meta)
            }
            _ => Err(meta.error(format!(
                "unknown `#[tool]` argument `{key}`; expected one of {KNOWN}"
            ))),
        }
    }

    /// Whether any behaviour hint was written (then the tool gets annotations at all).
    pub fn has_hints(&self) -> bool {
        self.read_only.is_some()
            || self.destructive.is_some()
            || self.idempotent.is_some()
            || self.open_world.is_some()
    }
}

/// A second `title = ..` is almost certainly a mistake; say so rather than pick one.
fn set_once<T>(slot: &mut Option<T>, value: T, meta: &ParseNestedMeta) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error("this `#[tool]` argument is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn string_value(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    if !meta.input.peek(syn::Token![=]) {
        return Err(meta.error("expected a string: `key = \"...\"`"));
    }
    meta.value()?.parse()
}

/// A bare flag means `true`; `= true` / `= false` spell it out.
fn flag_value(meta: &ParseNestedMeta) -> syn::Result<LitBool> {
    if meta.input.peek(syn::Token![=]) {
        match meta.value()?.parse::<syn::Lit>()? {
            syn::Lit::Bool(flag) => Ok(flag),
            other => {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                Err(syn::Error::new_spanned(
                    other,
                    format!("`{key}` is a flag: write `{key}`, `{key} = true` or `{key} = false`"),
                ))
            }
        }
    } else {
        Ok(LitBool::new(
            true,
            meta.path
                .get_ident()
                .map_or_else(proc_macro2::Span::call_site, proc_macro2::Ident::span),
        ))
    }
}
