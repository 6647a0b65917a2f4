import openpyxl
import pytest

from awards.imports.tabular import UnreadableFile, detect_delimiter, neutralise, open_table, unneutralise


def test_detect_delimiter():
    assert detect_delimiter("a;b;c\n1;2;3") == ";"
    assert detect_delimiter("a,b,c") == ","
    assert detect_delimiter('"a;b";c,d,e') == ","
    assert detect_delimiter('"x,y,z";b;c') == ";"
    assert detect_delimiter("") == ","


@pytest.mark.parametrize("text, shown", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+62 812", "'+62 812"), ("-5", "'-5"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("PT Maju", "PT Maju"), ("", ""), ("'quoted", "'quoted"),
    # Look-alikes: a leading space or line break, full-width and small signs, the minus sign and dashes.
    (" =1+1", "' =1+1"), ("\n=1+1", "'\n=1+1"), ("\r\n@x", "'\r\n@x"), ("\u3000=1", "'\u3000=1"),
    ("\uff1d1+1", "'\uff1d1+1"), ("\ufe661", "'\ufe661"), ("\uff0b62", "'\uff0b62"), ("\uff20cmd", "'\uff20cmd"),
    ("\u22125", "'\u22125"), ("\u2013 5", "'\u2013 5"), ("  PT Maju", "  PT Maju"), ("   ", "   "),
])
def test_neutralise_and_back(text, shown):
    assert neutralise(text) == shown
    assert unneutralise(shown) == text


def test_open_table_reads_semicolon_csv_with_bom(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffa;b\n1;\"2;3\"\n\n4;5\n".encode())
    with open_table(path) as table:
        assert table.header == ["a", "b"]
        assert list(table.rows) == [(2, ["1", "2;3"]), (3, []), (4, ["4", "5"])]
        assert table.total_rows == 3


def test_open_table_reads_xlsx_by_content_not_name(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b"])
    workbook.active.append(["x", 24.5])
    path = tmp_path / "named.csv"
    workbook.save(path)
    with open_table(path) as table:
        assert table.header == ["a", "b"]
        assert list(table.rows) == [(2, ["x", 24.5])]


def test_open_table_refuses_non_utf8_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("nama\nKoperasi Sejahtera \xe9\n".encode("latin-1"))
    with pytest.raises(UnreadableFile) as caught:
        open_table(path)
    assert str(caught.value) == 'The CSV file is not UTF-8 text; save it as "CSV UTF-8" and upload it again.'


@pytest.mark.parametrize("language, text", [
    ("id", '\ufeffRank;Nominee;Score;Note\r\n1;PT Maju, Tbk;89,8214;\r\n2;"A;B";7,5;\r\n'),
    ("en", '\ufeffRank,Nominee,Score,Note\r\n1,"PT Maju, Tbk",89.8214,\r\n2,A;B,7.5,\r\n'),
])
def test_the_csv_streamer_writes_for_the_readers_spreadsheet(language, text):
    """Indonesian spreadsheets split a CSV at ";" and read "89,8214"; English ones at "," and "89.8214". The
    BOM makes Excel read UTF-8; a score keeps its stored decimals; an empty cell stays empty."""
    from decimal import Decimal

    from django.utils import translation

    from awards.imports.tabular import CsvStreamWriter

    with translation.override(language):
        writer = CsvStreamWriter()
    rows = [["Rank", "Nominee", "Score", "Note"], [1, "PT Maju, Tbk", Decimal("89.8214"), None],
            [2, "A;B", 7.5, ""]]
    assert "".join(writer.document(rows)) == text


def test_a_semicolon_csv_with_decimal_commas_reads_back(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('\ufeffa;b\r\n1;"89,8214"\r\n', encoding="utf-8")
    with open_table(path) as table:
        assert (table.header, list(table.rows)) == (["a", "b"], [(2, ["1", "89,8214"])])
