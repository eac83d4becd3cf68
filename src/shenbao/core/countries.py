"""Countries (ISO 3166-1 alpha-2) and the named groups that calls refer to.

Names come from the CLDR data shipped with Babel, in both product languages.  The
groups are facts stated by the seed documents (seed 003 lists the Arab states and
the European countries itself); Africa is the 54 UN member states of the continent.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from shenbao.core.text import normalise_language

ARAB_STATES: frozenset[str] = frozenset(
    [
        "DZ",
        "AE",
        "OM",
        "EG",
        "PS",
        "BH",
        "DJ",
        "QA",
        "KW",
        "LB",
        "LY",
        "MR",
        "MA",
        "SA",
        "SD",
        "SO",
        "TN",
        "SY",
        "YE",
        "IQ",
        "JO",
        "KM",
    ]
)
AFRICAN_STATES: frozenset[str] = frozenset(
    [
        "DZ",
        "AO",
        "BJ",
        "BW",
        "BF",
        "BI",
        "CV",
        "CM",
        "CF",
        "TD",
        "KM",
        "CD",
        "CG",
        "CI",
        "DJ",
        "EG",
        "GQ",
        "ER",
        "SZ",
        "ET",
        "GA",
        "GM",
        "GH",
        "GN",
        "GW",
        "KE",
        "LS",
        "LR",
        "LY",
        "MG",
        "MW",
        "ML",
        "MR",
        "MU",
        "MA",
        "MZ",
        "NA",
        "NE",
        "NG",
        "RW",
        "ST",
        "SN",
        "SC",
        "SL",
        "SO",
        "ZA",
        "SS",
        "SD",
        "TZ",
        "TG",
        "TN",
        "UG",
        "ZM",
        "ZW",
    ]
)
ARAB_AFRICAN_STATES: frozenset[str] = ARAB_STATES & AFRICAN_STATES
SCO_PARTNERS_2_7: frozenset[str] = frozenset(["BY", "RU", "KZ", "UZ", "PK"])
EUROPEAN_JOINT_LAB_2_2: frozenset[str] = frozenset(["GB", "FR", "IT", "ES", "PT", "GR", "BE", "NO", "NL", "IE", "CY"])

#: Named groups usable in call definitions (``countries: ["@arab_states"]``).
GROUPS: dict[str, frozenset[str]] = {
    "arab_states": ARAB_STATES,
    "african_states": AFRICAN_STATES,
    "arab_african_states": ARAB_AFRICAN_STATES,
}


@lru_cache(maxsize=2)
def _territories(language: str) -> dict[str, str]:
    locale = Locale.parse("zh_Hans" if language == "zh-hans" else "en")
    return dict(locale.territories)


# CLDR also names regions and placeholders that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and code not in _NOT_COUNTRIES and code in _territories("en")


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the given language; the code itself if unknown."""
    return _territories(normalise_language(language)).get(code, code)


def expand_countries(items: list[str]) -> list[str]:
    """Expand ``@group`` references into sorted ISO codes, keeping explicit codes."""
    out: set[str] = set()
    for item in items:
        if item.startswith("@"):
            out |= GROUPS[item[1:]]
        else:
            out.add(item)
    return sorted(out)


def country_choices(language: str | None) -> list[tuple[str, str]]:
    """Every country as (code, name), sorted by name in the given language."""
    names = _territories(normalise_language(language))
    return sorted(((code, name) for code, name in names.items() if is_country_code(code)), key=lambda item: item[1])
