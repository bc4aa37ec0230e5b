from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...selectors.distributors import TeamCounts, team_counts
from ..core.dataloaders import DataLoader


class TeamCountsByDistributorIdLoader(DataLoader[int, TeamCounts]):
    """Direct and indirect recruits of every distributor a request shows, in one statement."""

    context_key = "team_counts_by_distributor_id"

    def batch_load(self, keys: Iterable[int]) -> Mapping[int, TeamCounts]:
        return team_counts(keys)

    def missing(self) -> Any:
        return TeamCounts(0, 0)
