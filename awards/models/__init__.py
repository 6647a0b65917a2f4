"""The domain's models, one module per part of DOMAIN.md."""
from .regions import Region
from .people import Profile, Role
from .nominees import Nominee, NomineeKind, BusinessSize, Sector
from .metrics import MetricDefinition, MetricUnit, MetricValue
from .editions import Edition, Round, RoundLevel, Category, Stage, StageKind, StageStatus, Aggregation
from .criteria import Criterion, CriterionKind, Rule
from .nominations import Nomination, Eligibility, Panel
from .reviews import Assignment, AssignmentStatus, Conflict, Score
from .results import ResultSnapshot
from .audit import AuditEvent

__all__ = [
    "Region", "Profile", "Role", "Nominee", "NomineeKind", "BusinessSize", "Sector",
    "MetricDefinition", "MetricUnit", "MetricValue", "Edition", "Round", "RoundLevel", "Category",
    "Stage", "StageKind", "StageStatus", "Aggregation", "Criterion", "CriterionKind", "Rule",
    "Nomination", "Eligibility", "Panel", "Assignment", "AssignmentStatus", "Conflict",
    "Score", "ResultSnapshot", "AuditEvent",
]
