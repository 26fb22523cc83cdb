//! How a row is named to people: in messages, the window, the workpaper and the command line.
//!
//! A copy of a shared engagement gives new rows ids from its own range, so that rows added on two
//! copies at once never share one (`sync::outbox`): copy k numbers from k·2³² + 1 (populations
//! from k·2¹⁶ + 1). Such an id reads as a ten-digit number; it is named "k-n" instead (copy k's
//! n-th), which stays the same on every copy and across syncs. Rows made before the engagement
//! was shared keep their plain number.

/// How many low bits of an id of `table` number the rows within one copy's range.
pub(crate) fn range_bits(table: &str) -> u32 {
    if table == "population" {
        16
    } else {
        32
    }
}

/// The name of row `id` of `table`: "7", or "k-n" for a row made on copy k of a shared engagement.
pub fn label(table: &str, id: i64) -> String {
    let bits = range_bits(table);
    match id >> bits {
        0 => id.to_string(),
        copy => format!("{copy}-{}", id & ((1 << bits) - 1)),
    }
}

/// The id a name given by a person stands for: a label as `label` writes it, or a plain id.
pub fn parse(table: &str, text: &str) -> Option<i64> {
    let bits = range_bits(table);
    let number = |s: &str| s.trim().parse::<i64>().ok().filter(|n| *n > 0);
    match text.split_once('-') {
        None => number(text),
        Some((copy, n)) => {
            let (copy, n) = (number(copy)?, number(n)?);
            (copy < 1 << (62 - bits) && n < 1 << bits).then_some(copy << bits | n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rows_made_before_sharing_keep_their_plain_number_and_others_name_their_copy() {
        assert_eq!(label("exception", 7), "7");
        assert_eq!(label("exception", (30168 << 32) | 3), "30168-3");
        assert_eq!(label("population", (2 << 16) | 1), "2-1");
        assert_eq!(label("review_note", (2 << 16) | 1), "131073", "only populations number from 2^16");
        assert_eq!(parse("exception", "30168-3"), Some((30168 << 32) | 3));
        assert_eq!(parse("exception", " 12 "), Some(12));
        for bad in ["", "-3", "3-", "a-1", "0", "1-0", "1-2-3", "1073741824-1", "1-4294967296"] {
            assert_eq!(parse("exception", bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn a_label_names_its_row_back(table in prop::sample::select(vec!["population", "exception", "sample"]), copy in 0i64..0x7fff, n in 1i64..65535) {
            let id = copy << range_bits(table) | n;
            prop_assert_eq!(parse(table, &label(table, id)), Some(id));
        }
    }
}
