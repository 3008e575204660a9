from .cadres import (
    Cadre,
    CadreCategory,
    CadreStatus,
    Education,
    Gender,
    LeadershipLevel,
    ManagementTier,
    PoliticalStatus,
    Posting,
    Rank,
)
from .units import Unit, UnitClosure, UnitKind

__all__ = [
    "Cadre",
    "CadreCategory",
    "CadreStatus",
    "Education",
    "Gender",
    "LeadershipLevel",
    "ManagementTier",
    "PoliticalStatus",
    "Posting",
    "Rank",
    "Unit",
    "UnitClosure",
    "UnitKind",
]
