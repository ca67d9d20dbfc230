"""The disruptions plugin's settings: ``SOCBOT_PLUGIN__DISRUPTIONS__<KEY>`` (docs/plugins.md).

The definitions quoted when someone picks a grade, a pillar or a Prevent level are settings, so a
force can use its own moderation panel's wording. The defaults are ours, written from the seeds:
grades from the LRO guidance (seed 001), section "Assessing the impact of a disruption" (whose
status changed, how much of the commodity or money went and can it be replaced, did the group
change how it works) and the inspection's Appendix 2 (seed 003: the three assessment categories);
pillars from seed 001, "Developing your response"; Prevent levels from seed 001's Prevent section
(the three target groups); qualitative outcomes from seed 001, "OCG performance monitoring".
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from socbot import PluginSettings


class DisruptionsSettings(BaseSettings):
    """Definitions shown with every grade, pillar and level prompt; duplicate detection."""

    grade_major: str = Field(
        "the group is badly and lastingly hurt: a principal charged or remanded, a supply line "
        "or core business taken apart, money or stock gone that it cannot readily replace",
        description="what major means",
    )
    grade_moderate: str = Field(
        "a real setback it recovers from with effort: a significant member arrested, a seizure "
        "or order that makes it change how it works for a while",
        description="what moderate means",
    )
    grade_minor: str = Field(
        "a short-lived or local effect: a peripheral member dealt with, a small seizure, a "
        "vehicle off the road, a warning notice, a one-off safeguarding visit",
        description="what minor means",
    )
    pillar_pursue: str = Field(
        "prosecuting the group's members and disrupting how they live and do business",
        description="what pursue means",
    )
    pillar_prevent: str = Field(
        "stopping people being drawn into the group (say which target group: primary, "
        "secondary or tertiary)",
        description="what prevent means",
    )
    pillar_protect: str = Field(
        "making people, places and businesses harder for the group to exploit",
        description="what protect means",
    )
    pillar_prepare: str = Field(
        "building the community's resilience and limiting the harm the group can do",
        description="what prepare means",
    )
    level_primary: str = Field(
        "people not involved but at risk, reached broadly (school talks, awareness)",
        description="Prevent primary",
    )
    level_secondary: str = Field(
        "people showing early signs of being drawn in: safeguarding, diversion, one-to-one support",
        description="Prevent secondary",
    )
    level_tertiary: str = Field(
        "people already in the group: help to leave it and stay out",
        description="Prevent tertiary",
    )
    duplicate_days: int = Field(
        14, ge=0, le=90, description="look for a likely duplicate this many days either side"
    )

    def definitions(self, kind: str) -> dict[str, str]:
        """``grade`` | ``pillar`` | ``level`` -> {choice: definition}, in the usual order."""
        prefix = f"{kind}_"
        return {
            name.removeprefix(prefix): str(getattr(self, name))
            for name in type(self).model_fields
            if name.startswith(prefix)
        }


SETTINGS = PluginSettings("disruptions", DisruptionsSettings)
