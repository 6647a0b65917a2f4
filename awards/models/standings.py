"""Stored standings: each ranking group (a category in a round) at each scored stage, ranked once by the
scoring engine and kept as rows, so that pages read it with ordinary sorted, paginated queries.

Every service that changes an input of a ranking bumps `changes` of the groups it touches, in its own
transaction; a job recomputes a group whose stored rows reflect fewer changes (`computed_changes`), right
after the commit (services/standings.py). Until then pages show the last rows and say when they were
computed. Freezing a result never reads these rows: it ranks from the inputs inside its transaction.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class StandingGroup(models.Model):
    round = models.ForeignKey("awards.Round", verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="standing_groups")
    category = models.ForeignKey("awards.Category", verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="standing_groups")
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), on_delete=models.CASCADE,
                              related_name="standing_groups")
    # How many changes of its inputs the group has seen, and how many its stored rows reflect.
    changes = models.PositiveBigIntegerField(_("changes"), default=1)
    computed_changes = models.PositiveBigIntegerField(_("changes computed"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # Why the group cannot be ranked (a stage without criteria, say), in each language of the site:
    # {"id": "...", "en": "..."}; empty when it can.
    error = models.JSONField(_("error"), default=dict, blank=True)
    # The position of the last row within the category's awards, and of the last advancing one (provincial
    # rounds): the leaderboard draws its lines under them.
    award_position = models.PositiveIntegerField(_("last award position"), null=True, blank=True)
    advance_position = models.PositiveIntegerField(_("last advancing position"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking group")
        verbose_name_plural = _("ranking groups")
        constraints = [models.UniqueConstraint(fields=["round", "category", "stage"], name="standing_group_unique")]
        indexes = [models.Index(fields=["round", "stage"], name="standing_group_round_stage")]

    def __str__(self):
        return f"{self.category} · {self.round} · {self.stage}"

    @property
    def stale(self):
        return self.computed_changes < self.changes


class Standing(models.Model):
    """One nomination's place in its group at the group's stage: the engine's RankingRow, stored."""

    # Rows a recompute replaces wholesale (after a national metrics import, three quarters of a million at
    # once): no foreign key checked by the database on each (Django still cascades deletes), and the group
    # indexed only by (group, position) below.
    group = models.ForeignKey(StandingGroup, verbose_name=_("ranking group"), on_delete=models.CASCADE,
                              related_name="standings", db_index=False, db_constraint=False)
    nomination = models.ForeignKey("awards.Nomination", verbose_name=_("nomination"), on_delete=models.CASCADE,
                                   related_name="standings", db_constraint=False)
    # The engine's order: by rank, equal ranks by nominee code.
    position = models.PositiveIntegerField(_("position"))
    rank = models.PositiveIntegerField(_("rank"))
    round_score = models.DecimalField(_("round score"), max_digits=12, decimal_places=4)
    stage_scores = models.JSONField(_("stage scores"), default=dict)  # stage kind -> "12.3456"
    # Rule 9, one column per flag so that lists filter on them in the database.
    incomplete = models.BooleanField(_("incomplete"), default=False)
    disagreement = models.BooleanField(_("reviewer disagreement"), default=False)
    award_tie = models.BooleanField(_("tie at the award boundary"), default=False)
    advancement_tie = models.BooleanField(_("tie at the advancement boundary"), default=False)
    flagged = models.BooleanField(_("flagged"), default=False)  # any of the four
    missing = models.JSONField(_("missing"), default=list)  # "stage:criterion" without a score
    disagreements = models.JSONField(_("disagreements"), default=list)  # [stage, criterion, spread]

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [models.UniqueConstraint(fields=["group", "position"], name="standing_unique_position")]
        indexes = [models.Index(fields=["group"], condition=models.Q(flagged=True), name="standing_flagged")]

    def __str__(self):
        return f"{self.rank}. {self.nomination_id}"

    FLAGS = ("incomplete", "disagreement", "award_tie", "advancement_tie")

    @property
    def flags(self):
        """The flags as codes, in rule 9's order (tables.FLAG_LABELS names them)."""
        return [code for code in self.FLAGS if getattr(self, code)]
