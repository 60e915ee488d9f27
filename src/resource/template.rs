//! RFC 6570 URI templates, the subset resource templates use: `{var}` expansions
//! between literal text (level 1). A variable matches one or more characters up to the
//! next literal; it never spans a `/` unless it is the last part of the template.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Variable(String),
}

/// A parsed template, e.g. `test://template/{id}/data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
}

impl UriTemplate {
    /// Parses `{name}` variables; `None` for unbalanced braces or empty names.
    pub fn parse(source: &str) -> Option<UriTemplate> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let close = rest[open..].find('}')? + open;
            let name = &rest[open + 1..close];
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
            if !valid {
                return None;
            }
            parts.push(Part::Variable(name.to_owned()));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return None;
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Some(UriTemplate {
            source: source.to_owned(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The variables' values if `uri` is an expansion of this template.
    pub fn match_uri(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        let mut rest = uri;
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Literal(literal) => rest = rest.strip_prefix(literal.as_str())?,
                Part::Variable(name) => {
                    let end = match parts.peek() {
                        Some(Part::Literal(next)) => rest.find(next.as_str())?,
                        // Two variables in a row cannot be told apart; no match.
                        Some(Part::Variable(_)) => return None,
                        None => rest.len(),
                    };
                    let value = &rest[..end];
                    let last = parts.peek().is_none();
                    if value.is_empty() || (!last && value.contains('/')) {
                        return None;
                    }
                    values.insert(name.clone(), value.to_owned());
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_expansions_only() {
        let t = UriTemplate::parse("test://template/{id}/data").unwrap();
        let m = t.match_uri("test://template/123/data").unwrap();
        assert_eq!(m["id"], "123");
        assert!(t.match_uri("test://template/1/2/data").is_none());
        assert!(t.match_uri("test://template//data").is_none());
        assert!(t.match_uri("test://template/123/datax").is_none());
        let tail = UriTemplate::parse("echo://{message}").unwrap();
        assert_eq!(
            tail.match_uri("echo://hello/world").unwrap()["message"],
            "hello/world"
        );
        assert_eq!(tail.variables().collect::<Vec<_>>(), ["message"]);
    }

    #[test]
    fn rejects_malformed_templates() {
        for bad in ["a{", "a{}", "a}b", "{a b}"] {
            assert!(UriTemplate::parse(bad).is_none(), "{bad}");
        }
    }
}
