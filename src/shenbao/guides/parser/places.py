"""Country names in Chinese text → ISO codes, and the named groups calls use (pure)."""

from __future__ import annotations

import re
from functools import lru_cache

from shenbao.core.countries import country_choices

_ALIASES = {
    "阿联酋": "AE",
    "巴勒斯坦": "PS",
    "英国": "GB",
    "美国": "US",
    "韩国": "KR",
    "朝鲜": "KP",
    "俄罗斯": "RU",
    "俄方": "RU",
    "越南": "VN",
    "老挝": "LA",
    "捷克": "CZ",
    "伊朗": "IR",
    "叙利亚": "SY",
    "刚果（金）": "CD",
    "刚果（布）": "CG",
}
GROUP_WORDS = {"阿拉伯国家": "@arab_states", "非洲国家": "@african_states"}


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    names = {name: code for code, name in country_choices("zh-hans") if code != "CN"}
    names.update(_ALIASES)
    # Longest first, so 阿拉伯埃及共和国 is not read as 埃及 twice and 南非 wins over 非 (no such name).
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered)), names


def countries_in(text: str) -> list[str]:
    """ISO codes of the countries named in ``text``, in order of first mention."""
    pattern, names = _pattern()
    out: list[str] = []
    for match in pattern.finditer(text):
        code = names[match.group(0)]
        if code not in out:
            out.append(code)
    return out


def group_in(text: str) -> str | None:
    for word, group in GROUP_WORDS.items():
        if word in text:
            return group
    return None
