"""A frozen result as the PDF annex a decree would carry: the winners, who froze the result when, and its digest.

Everything printed comes from the snapshot's frozen content (the only exception is each winner's region
name, looked up by nominee code, as the content does not hold it), so the annex of a result never
changes. Built with reportlab's platypus in the active language; scores with 2 decimals in the
language's number format.
"""
import io
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..display import score_text
from ..models import Nominee, RoundLevel, StageKind
from ..selectors.committee import winners


def _text(value):
    return escape(str(value))


def annex_filename(content, digest):
    return f"lampiran-{content['category']['code']}-{content['round']['key']}-{digest[:12]}.pdf"


def result_annex_pdf(*, snapshot, content, compress=True):
    """The annex of `snapshot` (whose parsed content is `content`) as PDF bytes. `compress=False` leaves
    the page streams readable, for tests that look for the printed text."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    english = (get_language() or "id").startswith("en")
    category = content["category"]
    category_name = category["name_en"] if english else category["name_id"]
    round_info = content["round"]
    if round_info["level"] == RoundLevel.NATIONAL:
        round_text = RoundLevel.NATIONAL.label
    else:
        round_text = f"{RoundLevel.PROVINCIAL.label} {round_info['province']['name']}"
    rows = winners(content)
    regions = dict(Nominee.objects.filter(code__in=[row["nominee"] for row in rows])
                   .values_list("code", "region__name"))
    frozen_at = timezone.localtime(datetime.fromisoformat(content["frozen_at"]))

    story = [
        Paragraph(_text(_("Annex: results of the %(edition)s") % {"edition": content["edition"]["name"]}),
                  styles["Title"]),
        Table(
            [[Paragraph(_text(label), body), Paragraph(_text(value), body)] for label, value in (
                (_("Edition"), f"{content['edition']['name']} ({content['edition']['year']})"),
                (_("Category"), category_name),
                (_("Round"), round_text),
                (_("Stage"), StageKind(content["stage"]).label),
            )],
            colWidths=[40 * mm, 130 * mm], hAlign="LEFT",
        ),
        Spacer(1, 6 * mm),
    ]
    header = [_("Award"), _("Nominee"), _("Code"), _("Region"), _("Round score")]
    table_rows = [[Paragraph(f"<b>{_text(h)}</b>", body) for h in header]]
    for row in rows:
        table_rows.append([
            Paragraph(_text(_("Winner %(rank)s") % {"rank": row["rank"]}), body),
            Paragraph(_text(row["name"]), body),
            Paragraph(_text(row["nominee"]), body),
            Paragraph(_text(regions.get(row["nominee"], "")), body),
            Paragraph(_text(score_text(Decimal(row["round_score"]))), body),
        ])
    winners_table = Table(table_rows, colWidths=[25 * mm, 60 * mm, 30 * mm, 35 * mm, 22 * mm], repeatRows=1,
                          hAlign="LEFT")
    winners_table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    if content.get("interim"):
        story.append(Paragraph(_text(_("Interim result (sementara): it was frozen before every weighted stage of "
                                       "its round was closed, so it names no winners.")), styles["Heading2"]))
    else:
        story += [winners_table, Spacer(1, 6 * mm)]
    if not rows and not content.get("interim"):
        story.append(Paragraph(_text(_("No nomination receives an award in this result.")), body))
    facts = [
        (_("Frozen at"), formats.date_format(frozen_at, "DATETIME_FORMAT")),
        (_("Frozen by"), content["frozen_by"]),
        (_("SHA-256 digest"), snapshot.digest),
    ]
    if content.get("previous"):
        facts.append((_("Previous result of the edition"), content["previous"]))
    if content.get("supersedes"):
        facts.append((_("Corrects the result with digest"), content["supersedes"]))
        facts.append((_("Reason for the correction"), content.get("reason", "")))
    story.append(Table([[Paragraph(_text(label), body), Paragraph(_text(value), body)] for label, value in facts],
                       colWidths=[40 * mm, 130 * mm], hAlign="LEFT"))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_text(_(
        "The digest is the SHA-256 of the result's frozen content, which the committee publishes; anyone "
        "holding the content can recompute it (sha256sum) and compare.")), small))

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(20 * mm, 10 * mm, _("SHA-256 %(digest)s · page %(page)s")
                          % {"digest": snapshot.digest, "page": document.page})
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=_("Annex: results of the %(edition)s") % {"edition": content["edition"]["name"]},
        subject=f"{category['code']} · {round_info['key']} · {content['stage']}", keywords=snapshot.digest,
        author="Paritrana", pageCompression=1 if compress else 0,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()

