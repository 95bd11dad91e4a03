"""The incentives beside the quarterly plan (docs/design.md §11): SPIFFs (§11.3) and points (§11.4)."""

from .points import PointsEntry, PointsRule, Redemption, RedemptionLot, Reward
from .spiffs import MONEY, VALUE, Spiff, SpiffAward, SpiffEvent

__all__ = [
    "MONEY",
    "VALUE",
    "PointsEntry",
    "PointsRule",
    "Redemption",
    "RedemptionLot",
    "Reward",
    "Spiff",
    "SpiffAward",
    "SpiffEvent",
]
