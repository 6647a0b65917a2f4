"""English: one date format ("1 Dec 2026") and one date-time format ("1 Dec 2026 14:30"), in Asia/Jakarta.

The short and long names are the same format, as in Indonesian (docs/numbers-and-dates.md)."""
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
