"""The domain's models, one module per part of DOMAIN.md."""
from .audit import AuditEvent
from .criteria import Criterion, CriterionKind, Rule
from .editions import Aggregation, Category, Edition, Round, RoundLevel, Stage, StageKind, StageStatus
from .jobs import ACTIVE_STATES, Job, JobKind, JobState
from .messages import Message, MessageKind, MessageStatus
from .metrics import MetricDefinition, MetricUnit, MetricValue
from .nominations import Eligibility, Nomination, Panel
from .nominees import BusinessSize, Nominee, NomineeKind, Sector
from .people import Profile, Role
from .regions import Region
from .results import ResultSnapshot
from .reviews import Assignment, AssignmentStatus, Conflict, Score
from .standings import Standing, StandingGroup

__all__ = [
    "Region", "Profile", "Role", "Nominee", "NomineeKind", "BusinessSize", "Sector",
    "MetricDefinition", "MetricUnit", "MetricValue", "Edition", "Round", "RoundLevel", "Category",
    "Stage", "StageKind", "StageStatus", "Aggregation", "Criterion", "CriterionKind", "Rule",
    "Nomination", "Eligibility", "Panel", "Assignment", "AssignmentStatus", "Conflict",
    "Score", "ResultSnapshot", "AuditEvent", "Job", "JobKind", "JobState", "ACTIVE_STATES", "Message",
    "MessageKind", "MessageStatus", "Standing", "StandingGroup",
]
