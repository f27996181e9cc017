"""The ``curriculum:`` section of a job config (see :mod:`learner.curriculum`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class CurriculumConfig(BaseModel):
    """Difficulty levels and task weights that follow each task's rolling pass rate.

    Off by default: every task is then drawn at its configured (or default) level with its configured weight.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, description="Move each task's level and weight the mix by learnability.")
    upper: float = Field(0.8, ge=0, le=1, description=(
        "A task moves one level up when its rolling pass rate is above this."))
    lower: float = Field(0.2, ge=0, le=1, description=(
        "A task moves one level down when its rolling pass rate is below this."))
    window: int = Field(16, ge=1, description=(
        "Scored groups (at the task's current level) the rolling pass rate averages over."))
    min_groups_between_moves: int = Field(8, ge=1, description=(
        "Groups a task must have had scored at its current level before it may move again."))
    floor: float = Field(0.05, gt=0, le=0.25, description=(
        "Lowest learnability p(1-p) a task's sampling weight uses (0.25 is the highest), so no task starves."))
    start_level: int | None = Field(None, ge=1, description=(
        "Level every task starts at (clamped to the task's own levels); null: the level the task mix gives "
        "the task, else the task's default level."))

    @model_validator(mode="after")
    def _bounds(self) -> CurriculumConfig:
        if self.lower >= self.upper:
            raise ValueError(f"curriculum.lower: must be below curriculum.upper ({self.lower} >= {self.upper})")
        return self
