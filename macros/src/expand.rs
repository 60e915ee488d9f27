//! Turns one documented `async fn` into a constructor `fn NAME() -> ::actix_mcp::Tool`.
//!
//! Owns: checking the function's shape (with spanned errors), sorting its parameters
//! into schema arguments and the context, and generating the hidden argument struct,
//! the moved handler and the `Tool::new(..)` call. Must not: know anything about tools
//! at run time — every behaviour lives in `actix_mcp::Tool`; this only writes the call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{
    Attribute, Expr, FnArg, Ident, ItemFn, Lit, LitStr, Meta, Pat, PatType, ReturnType, Type,
};

use crate::attr::ToolArgs;

/// How one parameter of the tool function is filled on each call.
enum Param {
    /// A field of the generated argument struct, named after the parameter.
    Argument {
        /// The parameter's name: the field name and the schema property name.
        name: Ident,
        /// The parameter's type, deserialized from the call's arguments.
        ty: Type,
        /// Doc comment plus `serde`/`schemars` attributes, moved onto the field.
        field_attrs: Vec<Attribute>,
    },
    /// The whole argument struct, marked `#[args]`, used as the schema as it is.
    WholeArguments { ty: Type },
    /// The handler context (`ToolContext` / `RequestContext`), not in the schema.
    Context,
}

/// The identifiers the generated code introduces; long so they never meet user names.
struct Generated {
    arguments_struct: Ident,
    handler_fn: Ident,
    arguments_var: Ident,
    context_var: Ident,
}

impl Generated {
    fn new() -> Self {
        Generated {
            arguments_struct: format_ident!("__ActixMcpToolArguments"),
            handler_fn: format_ident!("__actix_mcp_tool_handler"),
            arguments_var: format_ident!("__actix_mcp_arguments"),
            context_var: format_ident!("__actix_mcp_context"),
        }
    }
}

pub fn expand(args: ToolArgs, mut item: ItemFn) -> syn::Result<TokenStream> {
    check_signature(&item)?;
    let description = match &args.description {
        Some(description) => description.clone(),
        None => doc_description(&item)?,
    };
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| LitStr::new(&item.sig.ident.unraw().to_string(), item.sig.ident.span()));
    let params = classify_params(&mut item)?;
    let generated = Generated::new();

    let arguments_type = arguments_type(&params, &generated);
    let call_args = call_args(&params, &generated);
    let settings = settings(&args);

    let constructor_attrs: Vec<&Attribute> = item.attrs.iter().collect();
    let lint_attrs: Vec<Attribute> = item.attrs.iter().filter(|a| is_lint(a)).cloned().collect();
    let vis = item.vis.clone();
    let constructor = item.sig.ident.clone();

    let mut handler = item.clone();
    handler.attrs = lint_attrs;
    handler.vis = syn::Visibility::Inherited;
    handler.sig.ident = generated.handler_fn.clone();
    let Generated {
        arguments_var,
        context_var,
        handler_fn,
        ..
    } = &generated;
    let arguments_struct = arguments_type.definition;
    let arguments_ty = arguments_type.ty;
    // Spanned on the return type: the bounds `Tool::new` checks are about what the
    // function returns (`IntoToolOutput`, a `Send` future), so a violation is reported
    // there rather than on the `#[tool]` line.
    let tool_new = quote_spanned! {return_type_span(&item.sig.output)=>
        ::actix_mcp::Tool::new(
            #name,
            #description,
            move |#arguments_var: #arguments_ty, #context_var: ::actix_mcp::ToolContext| {
                #handler_fn(#(#call_args),*)
            },
        )
    };

    Ok(quote! {
        #(#constructor_attrs)*
        #vis fn #constructor() -> ::actix_mcp::Tool {
            #arguments_struct
            #handler
            #tool_new
            #settings
        }
    })
}

/// Rejects every function shape the constructor cannot call the same way each time.
fn check_signature(item: &ItemFn) -> syn::Result<()> {
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            sig.fn_token,
            "#[tool] needs an `async fn`: tools run as futures on the tool runtime",
        ));
    }
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            "#[tool] cannot be a `const fn`",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        return Err(syn::Error::new_spanned(
            unsafety,
            "#[tool] cannot be an `unsafe fn`",
        ));
    }
    if let Some(abi) = &sig.abi {
        return Err(syn::Error::new_spanned(
            abi,
            "#[tool] cannot have an `extern` ABI",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "#[tool] cannot be generic: the input schema is derived from concrete parameter types",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new_spanned(
            variadic,
            "#[tool] cannot be variadic",
        ));
    }
    if let Some(FnArg::Receiver(receiver)) = sig.inputs.first() {
        return Err(syn::Error::new_spanned(
            receiver,
            "#[tool] cannot take `self`: write a free function (share state through a `static` or a captured value in `Tool::new`)",
        ));
    }
    Ok(())
}

/// The doc comment as the tool's description: lines trimmed, joined with newlines.
fn doc_description(item: &ItemFn) -> syn::Result<LitStr> {
    let lines = doc_lines(&item.attrs)?;
    let text = lines
        .iter()
        .flat_map(|line| line.split('\n'))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim();
    if text.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.sig.ident,
            "#[tool] needs a doc comment (`/// What the tool does.`): it is the description the model reads; or write `#[tool(description = \"...\")]`",
        ));
    }
    Ok(LitStr::new(text, item.sig.ident.span()))
}

fn doc_lines(attrs: &[Attribute]) -> syn::Result<Vec<String>> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let Meta::NameValue(doc) = &attr.meta else {
            continue;
        };
        match &doc.value {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(text),
                ..
            }) => lines.push(text.value()),
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "#[tool] reads only literal doc comments; write `#[tool(description = \"...\")]` instead",
                ))
            }
        }
    }
    Ok(lines)
}

/// Sorts each parameter into argument or context, and strips from the function the
/// attributes that move onto the argument struct (doc comments cannot stay on
/// parameters).
fn classify_params(item: &mut ItemFn) -> syn::Result<Vec<Param>> {
    let mut params = Vec::new();
    let mut context_seen = false;
    let mut whole_arguments: Option<Attribute> = None;
    for input in item.sig.inputs.iter_mut() {
        let FnArg::Typed(pat_type) = input else {
            continue; // receivers were rejected in check_signature
        };
        let marked_args = take_attrs(pat_type, |a| a.path().is_ident("args"));
        let field_attrs = take_attrs(pat_type, |a| {
            ["doc", "serde", "schemars"]
                .iter()
                .any(|name| a.path().is_ident(name))
        });
        if is_context(&pat_type.ty) {
            if context_seen {
                return Err(syn::Error::new_spanned(
                    &pat_type.ty,
                    "#[tool] takes at most one context parameter",
                ));
            }
            context_seen = true;
            params.push(Param::Context);
            continue;
        }
        reject_borrowed(&pat_type.ty)?;
        if let Some(marker) = marked_args.first() {
            whole_arguments = Some(marker.clone());
            params.push(Param::WholeArguments {
                ty: (*pat_type.ty).clone(),
            });
            continue;
        }
        params.push(Param::Argument {
            name: plain_name(pat_type)?,
            ty: (*pat_type.ty).clone(),
            field_attrs,
        });
    }
    let arguments = params
        .iter()
        .filter(|p| !matches!(p, Param::Context))
        .count();
    if let (Some(marker), true) = (whole_arguments, arguments > 1) {
        return Err(syn::Error::new_spanned(
            marker,
            "an `#[args]` parameter must be the tool's only argument besides the context",
        ));
    }
    Ok(params)
}

/// Removes the attributes `wanted` selects from a parameter and returns them.
fn take_attrs(pat_type: &mut PatType, wanted: impl Fn(&Attribute) -> bool) -> Vec<Attribute> {
    let (taken, kept) = std::mem::take(&mut pat_type.attrs)
        .into_iter()
        .partition(|a| wanted(a));
    pat_type.attrs = kept;
    taken
}

/// `ToolContext` and `RequestContext` are the same type; either name, however it is
/// imported or qualified, marks the context parameter.
fn is_context(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "ToolContext" || s.ident == "RequestContext"),
        _ => false,
    }
}

/// Arguments are deserialized afresh for each call, so they must own their data.
fn reject_borrowed(ty: &Type) -> syn::Result<()> {
    if let Type::Reference(reference) = ty {
        return Err(syn::Error::new_spanned(
            reference,
            "#[tool] arguments must be owned types (e.g. `String`, not `&str`): they are deserialized for each call",
        ));
    }
    Ok(())
}

/// The parameter's name, which becomes the schema property; patterns have none.
fn plain_name(pat_type: &PatType) -> syn::Result<Ident> {
    match &*pat_type.pat {
        Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => Ok(pat.ident.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            "#[tool] parameters need a plain name (it becomes the argument's name in the input schema); destructure inside the body instead",
        )),
    }
}

/// The argument type `Tool::new` sees, and the struct definition when it is generated.
struct ArgumentsType {
    ty: TokenStream,
    definition: TokenStream,
}

fn arguments_type(params: &[Param], generated: &Generated) -> ArgumentsType {
    if let Some(ty) = params.iter().find_map(|p| match p {
        Param::WholeArguments { ty } => Some(ty),
        _ => None,
    }) {
        return ArgumentsType {
            ty: quote!(#ty),
            definition: TokenStream::new(),
        };
    }
    let fields = params.iter().filter_map(|p| match p {
        Param::Argument {
            name,
            ty,
            field_attrs,
        } => Some(quote! { #(#field_attrs)* #name: #ty }),
        _ => None,
    });
    let name = &generated.arguments_struct;
    ArgumentsType {
        ty: quote!(#name),
        definition: quote! {
            #[derive(
                ::actix_mcp::__private::serde::Deserialize,
                ::actix_mcp::__private::schemars::JsonSchema,
            )]
            #[serde(crate = "::actix_mcp::__private::serde")]
            #[schemars(crate = "::actix_mcp::__private::schemars")]
            struct #name { #(#fields),* }
        },
    }
}

/// What the handler is called with, parameter by parameter, in the user's order.
fn call_args(params: &[Param], generated: &Generated) -> Vec<TokenStream> {
    let arguments = &generated.arguments_var;
    let context = &generated.context_var;
    params
        .iter()
        .map(|p| match p {
            Param::Argument { name, .. } => quote!(#arguments.#name),
            Param::WholeArguments { .. } => quote!(#arguments),
            Param::Context => quote!(#context),
        })
        .collect()
}

fn return_type_span(output: &ReturnType) -> proc_macro2::Span {
    match output {
        ReturnType::Default => output.span(),
        ReturnType::Type(_, ty) => ty.span(),
    }
}

/// `.title(..)`, `.annotations(..)` and `.task_support(..)`, each only when something
/// was written.
fn settings(args: &ToolArgs) -> TokenStream {
    let title = args.title.as_ref().map(|title| quote!(.title(#title)));
    let task_support = args.task_support.as_ref().and_then(|value| {
        // Checked against the same table when parsed, so this always finds one.
        let (_, variant) = crate::attr::TASK_SUPPORT
            .iter()
            .find(|(wire, _)| value.value() == *wire)?;
        let variant = proc_macro2::Ident::new(variant, value.span());
        Some(quote!(.task_support(::actix_mcp::TaskSupport::#variant)))
    });
    let annotations = args.has_hints().then(|| {
        let hint = |flag: &Option<syn::LitBool>| match flag {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let (read_only, destructive, idempotent, open_world) = (
            hint(&args.read_only),
            hint(&args.destructive),
            hint(&args.idempotent),
            hint(&args.open_world),
        );
        quote! {
            .annotations(::actix_mcp::ToolAnnotations {
                read_only_hint: #read_only,
                destructive_hint: #destructive,
                idempotent_hint: #idempotent,
                open_world_hint: #open_world,
                ..::core::default::Default::default()
            })
        }
    });
    quote!(#title #annotations #task_support)
}

/// Lint levels written on the tool apply to its body, which moves into the handler.
fn is_lint(attr: &Attribute) -> bool {
    ["allow", "warn", "deny", "forbid", "expect"]
        .iter()
        .any(|lint| attr.path().is_ident(lint))
}
