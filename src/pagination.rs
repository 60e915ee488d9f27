//! Opaque cursors for every list method: a cursor is the position of the next item in
//! the list's stable order. A cursor we never issued is an error (-32602).

/// A `cursor` this server never issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCursor;

/// Every list method answers a bad cursor the same way: -32602.
impl From<InvalidCursor> for crate::protocol::RpcError {
    fn from(_: InvalidCursor) -> Self {
        crate::protocol::RpcError::invalid_params("Invalid cursor")
    }
}

/// One page of `items` starting at `cursor`, and the cursor of the next page, if any.
pub fn page<'a, T>(
    items: &'a [T],
    cursor: Option<&str>,
    page_size: usize,
) -> Result<(&'a [T], Option<String>), InvalidCursor> {
    let start = match cursor {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0 && n < items.len())
            .ok_or(InvalidCursor)?,
    };
    let end = start.saturating_add(page_size.max(1)).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    Ok((&items[start..end], next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through_in_order_and_rejects_foreign_cursors() {
        let items: Vec<u32> = (0..5).collect();
        let (first, next) = page(&items, None, 2).unwrap();
        assert_eq!((first, next.as_deref()), (&[0, 1][..], Some("2")));
        let (last, next) = page(&items, Some("4"), 2).unwrap();
        assert_eq!((last, next), (&[4][..], None));
        for bad in ["0", "5", "x", "-1"] {
            assert_eq!(page(&items, Some(bad), 2), Err(InvalidCursor), "{bad}");
        }
    }
}
