"""Print the live ranking of one ranking group (a category in a round), or one nomination's explanation."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...models import Category, Nomination, Round, Stage
from ...scoring import ScoringError, explain, rank_group
from ...scoring.output import as_json, explanation_text, ranking_csv, ranking_table


class Command(BaseCommand):
    help = "Rank a category in a round (national or a province code) at a stage; --explain shows one breakdown."

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, required=True, help="The assessment year, e.g. 2025.")
        parser.add_argument("--category", required=True, help="The category code.")
        parser.add_argument("--round", required=True, help='"national" or a province code such as 18.')
        parser.add_argument("--stage", help="assessment or interview (default: the latest opened stage).")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--explain", metavar="NOMINEE_CODE", help="Show how this nominee's score was made.")

    def handle(self, *args, **options):
        category = Category.objects.select_related("edition").filter(
            edition__year=options["edition"], code=options["category"]).first()
        if category is None:
            raise CommandError(_("Edition %(edition)s has no category %(category)r.")
                               % {"edition": options["edition"], "category": options["category"]})
        key = options["round"]
        rounds = Round.objects.select_related("province").filter(edition=category.edition)
        round_ = rounds.filter(level="national").first() if key == "national" else \
            rounds.filter(level="provincial", province_id=key).first()
        if round_ is None:
            raise CommandError(_('Edition %(edition)s has no round %(round)r (use "national" or a province code).')
                               % {"edition": options["edition"], "round": key})
        stage = None
        if options["stage"]:
            stage = Stage.objects.filter(round=round_, kind=options["stage"]).first()
            if stage is None:
                raise CommandError(_("Round %(round)s has no stage %(stage)r.") % {"round": key, "stage": options["stage"]})
        try:
            ranking = rank_group(category, round_, stage)
        except ScoringError as error:
            raise CommandError(str(error)) from error
        if options["explain"]:
            nomination = Nomination.objects.filter(round=round_, category=category,
                                                   nominee__code=options["explain"]).first()
            if nomination is None or not any(r.nomination_id == nomination.id for r in ranking.rows):
                raise CommandError(_("Nominee %(code)s is not ranked in this group at this stage.")
                                   % {"code": options["explain"]})
            explanation = explain(ranking, nomination)
            if options["format"] == "json":
                self.stdout.write(as_json(explanation.as_data()), ending="")
            else:
                self.stdout.write(explanation_text(explanation), ending="")
            return
        output = {"table": ranking_table, "csv": ranking_csv, "json": lambda r: as_json(r.as_data())}
        self.stdout.write(output[options["format"]](ranking), ending="")
