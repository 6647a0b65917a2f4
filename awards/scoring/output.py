"""A ranking and an explanation as text for commands: an aligned table, CSV or JSON."""
import csv
import io
import json

from django.utils.translation import gettext as _

from ..imports.edition_file import number
from .rules import display_score


def _shown(value):
    return "—" if value is None else number(value)


def flag_labels(row):
    labels = []
    if row.missing:
        labels.append(_("incomplete (%(missing)s)") % {"missing": ", ".join(str(m) for m in row.missing)})
    if row.disagreements:
        labels.append(_("reviewers disagree (%(criteria)s)") % {"criteria": ", ".join(c for _k, c, _s in row.disagreements)})
    if row.award_tie:
        labels.append(_("tie at the award boundary"))
    if row.advancement_tie:
        labels.append(_("tie at the advancement boundary"))
    return "; ".join(labels)


def ranking_records(ranking, *, shown):
    """Header and rows; `shown` formats a score (2 decimals in tables, 4 in CSV)."""
    kinds = [s.kind for s in ranking.stages]
    header = [_("Rank"), _("Nominee code"), _("Nominee"), _("Round score"),
              *[_("Stage score: %(stage)s") % {"stage": kind} for kind in kinds], _("Flags")]
    rows = [[str(r.rank), r.nominee_code, r.nominee_name, shown(r.round_score),
             *[shown(r.stage_scores[kind]) for kind in kinds], flag_labels(r)] for r in ranking.rows]
    return header, rows


def ranking_table(ranking):
    header, rows = ranking_records(ranking, shown=lambda v: str(display_score(v)))
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
             for line in [header, *rows]]
    return "\n".join(lines) + "\n"


def ranking_csv(ranking):
    header, rows = ranking_records(ranking, shown=str)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def as_json(data):
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def explanation_text(explanation):
    lines = [
        _("%(name)s (%(code)s): rank %(rank)s, round score %(score)s")
        % {"name": explanation.nominee_name, "code": explanation.nominee_code, "rank": explanation.rank,
           "score": display_score(explanation.round_score)},
    ]
    for stage in explanation.stages:
        lines.append("")
        lines.append(_("Stage %(stage)s: score %(score)s, weight in the round score %(weight)s")
                     % {"stage": stage.kind, "score": display_score(stage.score), "weight": number(stage.weight)})
        for c in stage.criteria:
            score = _("missing (counts 0)") if c.score is None else str(display_score(c.score))
            lines.append("  " + _("%(code)s [%(rule)s %(params)s] weight %(weight)s: score %(score)s, "
                                  "%(points)s points of the round score (%(share)s%%)")
                         % {"code": c.code, "rule": c.rule or _("judged"), "weight": number(c.weight),
                            "params": ", ".join(f"{k}={v}" for k, v in c.parameters.items()), "score": score,
                            "points": display_score(c.round_points), "share": display_score(c.share)})
            if c.metric is not None:
                m = c.metric
                lines.append("    " + _("value %(value)s (numerator %(num)s, denominator %(den)s, target %(target)s, "
                                        "group min %(min)s, max %(max)s)")
                             % {"value": _shown(m.value), "num": _shown(m.numerator), "den": _shown(m.denominator),
                                "target": _shown(m.target), "min": _shown(m.group_min), "max": _shown(m.group_max)})
                if m.missing_metrics:
                    lines.append("    " + _("not reported: %(metrics)s") % {"metrics": ", ".join(m.missing_metrics)})
            for name, r in c.reviewers:
                lines.append("    " + _("%(reviewer)s: raw %(raw)s, mapped %(mapped)s, calibrated %(calibrated)s")
                             % {"reviewer": name, "raw": number(r.raw), "mapped": display_score(r.mapped),
                                "calibrated": display_score(r.calibrated)})
            if c.kind == "judged" and c.spread is not None:
                lines.append("    " + _("spread %(spread)s%(flag)s")
                             % {"spread": display_score(c.spread),
                                "flag": " " + _("(reviewers disagree)") if c.disagreement else ""})
    return "\n".join(lines) + "\n"
