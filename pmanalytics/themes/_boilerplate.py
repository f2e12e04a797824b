"""The boilerplate of incident write-ups, in one place: words and phrases that carry no theme.

Private: :data:`BOILERPLATE_STOP_WORDS` is public through :mod:`pmanalytics.themes`.

- :data:`BOILERPLATE_STOP_WORDS`: words that appear in incident notes whatever the problem is
  (the incident vocabulary itself, generic verbs and hedges, regions and the big vendors).
- :data:`BOILERPLATE_PHRASES`: template prompts and vendors' stock status-page phrasing, removed
  from a note before it is vectorised.
- Placeholders (``20xx-MM-DD``, ``XXX``) are the core rule of :mod:`pmanalytics._template_docs`.

Deliberately generic: names from the corpus (services, teams) are added at run time.
"""

from __future__ import annotations

import re

__all__ = ["BOILERPLATE_PHRASES", "BOILERPLATE_STOP_WORDS", "PLACE_NAMES", "boilerplate_pattern"]

_WORDS = """
    again ago also always amazon america anyone ap asia aws az azure bit cause caused causing
    central client clients cloud customer customers day days due east engineer engineers env
    environment eu europe every everyone few gcp get getting google got happen happened
    happening happens incident incidents issue issues just known like lot lots made make many
    microsoft month months mortem much need needed needs never new nobody north often old one
    outage outages people post postmortem problem problems prod product production products
    provider providers really recently region regions service services several somebody someone
    sometimes south still system systems team teams thing things time times today two unknown
    us user users vendor vendors way week weeks west whole year years yesterday yet zone zones
    http https www com org net html htm wiki went going goes gone took taken did does doing
    able
"""
#: Words that carry no theme in an incident note.
BOILERPLATE_STOP_WORDS: frozenset[str] = frozenset(_WORDS.split())

#: Places that name where an incident happened, not what it was: cloud-region cities, countries
#: and states (lower case). ``similar_incidents`` matches on what happened, so it ignores them.
PLACE_NAMES: frozenset[str] = frozenset(
    [
        "amsterdam",
        "atlanta",
        "australia",
        "bahrain",
        "barcelona",
        "beijing",
        "belgium",
        "berlin",
        "brazil",
        "california",
        "canada",
        "chicago",
        "copenhagen",
        "dallas",
        "denmark",
        "dublin",
        "england",
        "finland",
        "france",
        "frankfurt",
        "germany",
        "hamburg",
        "helsinki",
        "hongkong",
        "india",
        "ireland",
        "israel",
        "italy",
        "jakarta",
        "japan",
        "johannesburg",
        "korea",
        "london",
        "madrid",
        "melbourne",
        "milan",
        "montreal",
        "mumbai",
        "netherlands",
        "norway",
        "ohio",
        "oregon",
        "osaka",
        "oslo",
        "paris",
        "poland",
        "quebec",
        "seoul",
        "singapore",
        "spain",
        "stockholm",
        "sweden",
        "switzerland",
        "sydney",
        "taiwan",
        "tokyo",
        "toronto",
        "virginia",
        "warsaw",
        "zurich",
    ]
)

#: Template prompts and stock phrases (lower case; matched case-insensitively, as whole words).
BOILERPLATE_PHRASES: tuple[str, ...] = (
    # template prompts
    "list of things that went well",
    "list of things that went wrong",
    "for example",
    "short event description",
    "all times in utc",
    "all times in cet",
    "use initials",
    "time to detection",
    "time to recovery",
    "add more as needed",
    "describe what happened",
    "what went well",
    "what went wrong",
    "where we got lucky",
    "lessons learned",
    "contributing factors",
    "root cause analysis",
    # vendors' status-page stock phrasing
    "we apologize for any inconvenience",
    "we apologise for any inconvenience",
    "we apologize for the inconvenience",
    "we apologise for the inconvenience",
    "thank you for your patience",
    "we are continuing to monitor",
    "we will continue to monitor",
    "we are currently investigating this issue",
    "we are investigating this issue",
    "we are investigating reports of",
    "a fix has been implemented",
    "we will provide an update",
    "we will provide updates",
    "this incident has been resolved",
    "the issue has been resolved",
    "we have identified the issue",
    "a subset of customers",
    "our engineering team",
    "out of an abundance of caution",
)


def boilerplate_pattern(phrases: tuple[str, ...] = BOILERPLATE_PHRASES) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``phrases`` as whole words.

    Examples
    --------
    >>> boilerplate_pattern().sub("", "We apologise for any inconvenience. DNS broke.")
    '. DNS broke.'
    """
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in ordered)
    return re.compile(rf"(?i)\b(?:{body})\b")
