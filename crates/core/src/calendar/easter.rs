//! Western (Gregorian) Easter Sunday, for Good Friday.

use crate::Date;

/// Easter Sunday of `year` by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
/// See <https://en.wikipedia.org/wiki/Date_of_Easter#Anonymous_Gregorian_algorithm>.
pub(crate) fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_ymd(year, month as u32, day as u32).expect("the algorithm yields a real date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_easters() {
        for (year, expected) in [
            (2000, "2000-04-23"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year).to_string(), expected, "{year}");
        }
    }
}
