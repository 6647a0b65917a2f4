"""The committee workspace under /panitia/ and the public results under /hasil/, one module per area."""
from .accounts import AccountActionView, AccountEditView, AccountInviteView, AccountsView
from .advancement import AdvancementView
from .frozen import (
    FreezeView,
    PublicResultContentView,
    PublicResultsView,
    SnapshotContentView,
    SnapshotCorrectView,
    SnapshotExportView,
    SnapshotPublishView,
    SnapshotView,
)
from .leaderboard import LeaderboardExportView, LeaderboardView
from .nominations import (
    NominationAddView,
    NominationImportView,
    NominationProposalsView,
    NominationScreenView,
    NominationsView,
)
from .panels import PanelActionView, PanelsView
from .results import (
    AuditView,
    ChartsView,
    ExplanationView,
    OverviewView,
    RoundView,
    StageActionView,
)
from .work import (
    AssignmentActionView,
    AssignmentReassignView,
    AssignmentRemoveView,
    AssignmentsView,
    AssignmentView,
    ProgressView,
)

__all__ = [
    "AccountActionView", "AccountEditView", "AccountInviteView", "AccountsView", "PanelActionView", "PanelsView",
    "AdvancementView", "ChartsView", "SnapshotExportView",
    "AssignmentActionView", "AssignmentReassignView", "AssignmentRemoveView", "AssignmentsView", "AssignmentView",
    "ProgressView",
    "AuditView", "ExplanationView", "FreezeView", "LeaderboardExportView", "LeaderboardView", "NominationAddView",
    "NominationImportView",
    "NominationProposalsView", "NominationScreenView", "NominationsView", "OverviewView", "PublicResultContentView",
    "PublicResultsView",
    "RoundView", "SnapshotContentView", "SnapshotCorrectView", "SnapshotPublishView", "SnapshotView",
    "StageActionView",
]
