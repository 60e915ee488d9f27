//! Session ids: UUID v4 from the OS CSPRNG, visible ASCII only, unguessable.

use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(Uuid);

impl SessionId {
    pub fn new_random() -> Self {
        SessionId(Uuid::new_v4())
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

/// Accepts the hyphenated form we issue and the bare 32-hex form some clients normalise to.
impl FromStr for SessionId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::try_parse(s).map(SessionId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let id = SessionId::new_random();
        assert_eq!(id.to_string().parse::<SessionId>().unwrap(), id);
        let simple = id.to_string().replace('-', "");
        assert_eq!(simple.parse::<SessionId>().unwrap(), id);
        assert!("not-a-session".parse::<SessionId>().is_err());
        assert_ne!(SessionId::new_random(), SessionId::new_random());
    }
}
