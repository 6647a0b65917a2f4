"""Indonesian: one date format ("1 Des 2026") and one date-time format ("1 Des 2026 14.30"), in Asia/Jakarta.

The short and long names are the same format, so that a page, a table, a message and the PDF annex never
show a date two ways (docs/numbers-and-dates.md). Input formats and numbers stay Django's Indonesian ones."""
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y H.i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H.i"
