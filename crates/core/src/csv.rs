//! CSV documents: a header row and one row per record (RFC 4180: comma-separated, CRLF line
//! ends, a field with a comma, quote or line break quoted). Numbers are written as JSON writes
//! them (the shortest text that reads back as the same number); absent values are empty. The
//! server's exports and the browser's downloads write with it.

/// One field of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// Text, quoted when it must be.
    Text(&'a str),
    /// A number; empty when not finite.
    Number(f64),
    /// A whole number.
    Count(u64),
    /// Nothing: an empty field.
    Missing,
}

impl<'a> From<&'a str> for Field<'a> {
    fn from(text: &'a str) -> Self {
        Field::Text(text)
    }
}

impl From<f64> for Field<'_> {
    fn from(x: f64) -> Self {
        Field::Number(x)
    }
}

impl From<u32> for Field<'_> {
    fn from(n: u32) -> Self {
        Field::Count(u64::from(n))
    }
}

impl From<u64> for Field<'_> {
    fn from(n: u64) -> Self {
        Field::Count(n)
    }
}

impl<'a, T: Into<Field<'a>>> From<Option<T>> for Field<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Missing, Into::into)
    }
}

/// A CSV document being written.
#[derive(Debug, Clone, PartialEq)]
pub struct Csv {
    text: String,
    columns: usize,
}

impl Csv {
    /// A document with its header row.
    pub fn new(header: &[&str]) -> Self {
        let mut csv = Self {
            text: String::new(),
            columns: header.len(),
        };
        csv.row(header.iter().map(|h| Field::Text(h)));
        csv
    }

    /// Appends a row (as many fields as the header has).
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = Field<'a>>) {
        let mut n = 0;
        for field in fields {
            if n > 0 {
                self.text.push(',');
            }
            n += 1;
            match field {
                Field::Text(t) => self.push_text(t),
                Field::Number(x) if x.is_finite() => self.text.push_str(&x.to_string()),
                Field::Count(c) => self.text.push_str(&c.to_string()),
                Field::Number(_) | Field::Missing => {}
            }
        }
        debug_assert_eq!(n, self.columns, "a row has as many fields as the header");
        self.text.push_str("\r\n");
    }

    fn push_text(&mut self, text: &str) {
        if text.contains([',', '"', '\r', '\n']) {
            self.text.push('"');
            self.text.push_str(&text.replace('"', "\"\""));
            self.text.push('"');
        } else {
            self.text.push_str(text);
        }
    }

    /// The document's text.
    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed_and_numbers_read_back_exactly() {
        let mut csv = Csv::new(&["model", "note", "value", "n", "missing"]);
        let x = 0.1 + 0.2;
        csv.row([
            "gpt-5".into(),
            "a, \"quoted\"\nnote".into(),
            x.into(),
            3u32.into(),
            Field::from(None::<f64>),
        ]);
        assert_eq!(
            csv.text,
            "model,note,value,n,missing\r\ngpt-5,\"a, \"\"quoted\"\"\nnote\",0.30000000000000004,3,\r\n"
        );
        assert_eq!("0.30000000000000004".parse::<f64>().unwrap(), x);
    }
}
