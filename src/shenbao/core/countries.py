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


#: The Chinese short forms a country takes in bilateral names such as “中沙绿色低碳联合实验室”
#: (seed 003: 中埃, 中沙, 中阿联酋, 中肯, 中匈, 中英, 中法 …).  Several are shared (巴 is Pakistan in
#: 中巴 but also starts 巴林), so a name is checked against the partner's own forms only.  A
#: country not listed here is still recognised by its full Chinese name (see ``chinese_short_names``).
CHINESE_SHORT_NAMES: dict[str, tuple[str, ...]] = {
    # Arab states (seed 003 direction 1.5)
    "AE": ("阿联酋",),
    "OM": ("阿曼",),
    "EG": ("埃",),
    "PS": ("巴勒斯坦",),
    "BH": ("巴林",),
    "DJ": ("吉布提",),
    "QA": ("卡", "卡塔尔"),
    "KW": ("科", "科威特"),
    "LB": ("黎", "黎巴嫩"),
    "LY": ("利", "利比亚"),
    "MR": ("毛", "毛里塔尼亚"),
    "MA": ("摩", "摩洛哥"),
    "SA": ("沙", "沙特", "沙特阿拉伯"),
    "SD": ("苏", "苏丹"),
    "SO": ("索", "索马里"),
    "TN": ("突", "突尼斯"),
    "SY": ("叙", "叙利亚"),
    "YE": ("也", "也门"),
    "IQ": ("伊", "伊拉克"),
    "JO": ("约", "约旦"),
    "KM": ("科摩罗",),
    "DZ": ("阿尔及利亚",),
    # African states often partnered (direction 1.6)
    "KE": ("肯", "肯尼亚"),
    "ZA": ("南", "南非"),
    "ET": ("埃塞", "埃塞俄比亚"),
    "NG": ("尼日利亚",),
    "TZ": ("坦", "坦桑尼亚"),
    "UG": ("乌干达",),
    "GH": ("加纳",),
    "SN": ("塞内加尔",),
    "ZW": ("津", "津巴布韦"),
    "ZM": ("赞", "赞比亚"),
    "MZ": ("莫", "莫桑比克"),
    "AO": ("安", "安哥拉"),
    "CM": ("喀", "喀麦隆"),
    "RW": ("卢旺达",),
    "NA": ("纳米比亚",),
    "MG": ("马达加斯加",),
    # Europe (directions 2.2, 2.4, 2.8)
    "GB": ("英",),
    "FR": ("法",),
    "IT": ("意",),
    "ES": ("西",),
    "PT": ("葡",),
    "GR": ("希",),
    "BE": ("比",),
    "NO": ("挪",),
    "NL": ("荷",),
    "IE": ("爱",),
    "CY": ("塞",),
    "HU": ("匈",),
    "DE": ("德",),
    "RU": ("俄",),
    "MT": ("马耳他",),
    # others of seed 003
    "NZ": ("新", "新西兰"),
    "IL": ("以", "以色列"),
    "KR": ("韩",),
    "UZ": ("乌", "乌兹别克"),
    "KZ": ("哈", "哈萨克"),
    "BY": ("白", "白俄"),
    "PK": ("巴",),
    "JP": ("日",),
    "US": ("美",),
}


def chinese_short_names(code: str) -> tuple[str, ...]:
    """Every form that names the country in a bilateral name: the short forms, then the full name."""
    full = country_name(code, "zh-hans")
    forms = CHINESE_SHORT_NAMES.get(code, ())
    return forms + ((full,) if full != code and full not in forms else ())


def has_chinese_short_name(code: str) -> bool:
    return code in CHINESE_SHORT_NAMES
