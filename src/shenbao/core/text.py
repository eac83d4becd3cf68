"""Bilingual text as plain data (no Django imports).

Content written by funders (call titles, criteria, requirements) is stored as a
mapping from language code to text.  Simplified Chinese is the language most calls
are written in; English is the second language of the product.  A value must have
at least one language; readers fall back to the other one when theirs is missing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

LANGUAGES: tuple[str, ...] = ("zh-hans", "en")
DEFAULT_LANGUAGE = "zh-hans"


def normalise_language(code: str | None) -> str:
    """Map any Django/Accept-Language code to one of ours ('zh-hans' or 'en')."""
    if not code:
        return DEFAULT_LANGUAGE
    code = code.lower().replace("_", "-")
    if code.startswith("zh"):
        return "zh-hans"
    if code.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


class I18nText(BaseModel):
    """A text in Simplified Chinese and/or English.

    In YAML it is written ``{zh-hans: 文本, en: Text}``; a bare string is read as
    Simplified Chinese, the language of the source documents.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    zh_hans: str | None = Field(default=None, alias="zh-hans")
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"zh-hans": value}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> I18nText:
        if not (self.zh_hans or "").strip() and not (self.en or "").strip():
            raise PydanticCustomError("i18n_empty", "text needs at least one language")
        return self

    def get(self, language: str | None = None) -> str:
        """The text in ``language``, falling back to the other language."""
        lang = normalise_language(language)
        first, second = (self.zh_hans, self.en) if lang == "zh-hans" else (self.en, self.zh_hans)
        return (first or second or "").strip()

    def has(self, language: str) -> bool:
        lang = normalise_language(language)
        value = self.zh_hans if lang == "zh-hans" else self.en
        return bool((value or "").strip())

    def as_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.zh_hans:
            out["zh-hans"] = self.zh_hans
        if self.en:
            out["en"] = self.en
        return out

    def __str__(self) -> str:
        return self.get(DEFAULT_LANGUAGE)


def text_get(value: dict[str, str] | None, language: str | None) -> str:
    """The same fallback as :meth:`I18nText.get`, for the JSON stored in the database."""
    if not value:
        return ""
    lang = normalise_language(language)
    other = "en" if lang == "zh-hans" else "zh-hans"
    return (value.get(lang) or value.get(other) or "").strip()
