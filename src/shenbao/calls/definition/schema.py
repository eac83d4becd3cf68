"""The call definition document (DESIGN §6.1), validated with pydantic.

A definition describes one call of one program: its timeline, directions with
quotas, budgets and durations, eligibility criteria, required documents, the
application form, review stages, selection rules, agreement terms and KPI templates.
Cross-references (a criterion naming a direction, a rule naming a document, a stage
advancing to another) are checked here, so a loaded definition is consistent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shenbao.accounts.enums import OrgType
from shenbao.calls.definition.base import MAX_COUNT, Code, Country, Money, Quantity, Slug, Strict
from shenbao.calls.definition.budget import BudgetSpec
from shenbao.calls.definition.criteria import (
    BUDGET_RULES,
    BudgetShareRule,
    BudgetTotalRule,
    Criterion,
    ExclusiveDirectionsRule,
    RequiredDocumentRule,
    walk_rules,
)
from shenbao.core.text import I18nText

SCHEMA_VERSION = 1


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PydanticCustomError("timezone_unknown", "unknown time zone", {"value": value}) from exc
    return value


class ProgramKind(StrEnum):
    TOPIC_CHALLENGE = "topic_challenge"
    COMPETITION = "competition"
    GOVERNMENT_GRANT = "government_grant"
    AWARD_COLLECTION = "award_collection"


class ProgramDef(Strict):
    code: Slug
    name: I18nText
    kind: ProgramKind
    funder: I18nText
    organisers: list[I18nText] = Field(default_factory=list)
    website: str | None = None
    description: I18nText | None = None


class TimelineKind(StrEnum):
    OPENS = "opens"
    DEADLINE = "deadline"
    REVIEW = "review"
    STAGE = "stage"  # e.g. track contests finish by …
    FINALS = "finals"
    RESULTS = "results"
    AGREEMENT_DEADLINE = "agreement_deadline"
    PUBLISHED = "published"
    OTHER = "other"


_TIME_24 = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]24:00(:00)?$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Precision(StrEnum):
    """How precisely the document states a time ("December 2023" is a month)."""

    MINUTE = "minute"
    DAY = "day"
    MONTH = "month"


EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def _out_of_range() -> PydanticCustomError:
    return PydanticCustomError(
        "date_out_of_range",
        "a date between {earliest} and {latest}",
        {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
    )


class TimelineItem(Strict):
    """A typed point or window of the call's timeline, in the call's time zone.

    ``at``/``start``/``end`` are local times without offset.  ``"2025-03-31T24:00"`` (as
    Chinese calls write deadlines) is read as ``2025-04-01T00:00`` (DESIGN §4).  A bare
    date means the end of that day for a deadline or a window's end ("截止日期为 9 月 30 日"),
    and the start of the day otherwise; its precision is then ``day``.
    """

    @model_validator(mode="before")
    @classmethod
    def _read_times(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        bare_date = False
        for key in ("at", "start", "end"):
            value = data.get(key)
            ends = key == "end" or (key == "at" and data.get("kind") == "deadline")
            if isinstance(value, str):
                text = value.strip()
                match = _TIME_24.match(text)
                try:
                    if match:
                        data[key] = dt.datetime.combine(dt.date.fromisoformat(match.group(1)) + dt.timedelta(days=1), dt.time())
                        continue
                    if _DATE_ONLY.match(text):
                        value = dt.date.fromisoformat(text)
                except OverflowError:
                    raise _out_of_range() from None
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                bare_date = True
                try:
                    day = value + dt.timedelta(days=1) if ends else value
                except OverflowError:
                    raise _out_of_range() from None
                data[key] = dt.datetime.combine(day, dt.time())
        if bare_date:
            data.setdefault("precision", "day")
        return data

    kind: TimelineKind
    label: I18nText | None = None
    at: dt.datetime | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    precision: Precision = Precision.MINUTE
    timezone: str | None = Field(default=None, description="overrides the call's time zone for this item")
    tentative: bool = Field(default=False, description="a placeholder the document does not state (to be set)")
    stage: Code | None = None
    note: I18nText | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)

    @field_validator("at", "start", "end")
    @classmethod
    def _plausible(cls, value: dt.datetime | None) -> dt.datetime | None:
        # A year the database cannot store once shifted to UTC (0001, 9999) is a typo, refused here
        # rather than by the database when the call is loaded.
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise _out_of_range()
        return value

    @model_validator(mode="after")
    def _shape(self) -> TimelineItem:
        has_point = self.at is not None
        has_window = self.start is not None or self.end is not None
        if has_point == has_window:
            raise PydanticCustomError("timeline_shape", "give either at, or start and/or end")
        for value in (self.at, self.start, self.end):
            if value is not None and value.tzinfo is not None:
                raise PydanticCustomError("timeline_offset", "write local times without an offset; the call's timezone applies")
        if self.start and self.end and self.start > self.end:
            raise PydanticCustomError("window_order", "start must not be after end")
        if self.kind == TimelineKind.DEADLINE and self.at is None:
            raise PydanticCustomError("deadline_point", "a deadline is a point in time: give at")
        return self


class Category(Strict):
    code: Code
    name: I18nText
    description: I18nText | None = None


class Budget(Strict):
    total: Money | None = None
    per_project: Money | None = None
    per_project_note: I18nText | None = None


class Duration(Strict):
    """Project duration in years or months, with a qualifier (2年, 不超过3年, 一般为3年, 2~3年, 约3年).

    "about" (约3年, 3年左右) states a typical length, not a bound: it sets neither
    ``min_months`` nor ``max_months``.
    """

    unit: Literal["years", "months"] = "years"
    qualifier: Literal["exact", "at_most", "at_least", "about", "range"] = "exact"
    value: float | None = Field(default=None, gt=0)
    min: float | None = Field(default=None, gt=0)
    max: float | None = Field(default=None, gt=0)
    in_principle: bool = False

    @model_validator(mode="after")
    def _bounded(self) -> Duration:
        limit = 100 if self.unit == "years" else 1200
        for value in (self.value, self.min, self.max):
            if value is not None and value > limit:
                raise PydanticCustomError("duration_too_long", "a duration is at most 100 years", {"value": value})
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Duration:
        if self.qualifier == "range":
            if self.min is None or self.max is None:
                raise PydanticCustomError("range_needs_bounds", "a range needs both min and max")
            if self.min > self.max:
                raise PydanticCustomError("range_order", "min must not be greater than max", {"min": self.min, "max": self.max})
        elif self.value is None:
            raise PydanticCustomError("quantity_needs_value", "this qualifier needs a value", {"qualifier": self.qualifier})
        return self

    def _months(self, value: float | None) -> int | None:
        if value is None:
            return None
        return round(value * 12) if self.unit == "years" else round(value)

    @property
    def min_months(self) -> int | None:
        if self.qualifier == "range":
            return self._months(self.min)
        if self.qualifier in ("exact", "at_least"):
            return self._months(self.value)
        return None

    @property
    def max_months(self) -> int | None:
        if self.qualifier == "range":
            return self._months(self.max)
        if self.qualifier in ("exact", "at_most"):
            return self._months(self.value)
        return None


class Partner(Strict):
    """Who the Chinese side works with in a direction."""

    countries: list[Country] = Field(default_factory=list)
    organisations: I18nText | None = None
    agency: I18nText | None = Field(default=None, description="the partner side's funding agency")


class Requirement(Strict):
    """One requirement of a direction in the call's words, linked to the rules and KPIs that check it."""

    text: I18nText
    criteria: list[Code] = Field(default_factory=list)
    kpis: list[Code] = Field(default_factory=list)


class DirectionDetail(Strict):
    """A labelled text block of a direction (seed 001: 聚焦场景, 考察能力, 比赛目标)."""

    label: I18nText
    text: I18nText


class Direction(Strict):
    """A funded line inside the call: 指南方向 / 课题 / 赛项 / 榜单."""

    code: Code
    title: I18nText
    category: Code | None = None
    example: bool = Field(default=False, description="synthetic content for demos, shown as 示例")
    basis: I18nText | None = Field(default=None, description="合作协议 or 外交承诺 the direction rests on")
    basis_kind: Literal["agreement", "commitment"] = "agreement"
    partner: Partner | None = None
    fields: list[I18nText] = Field(default_factory=list, description="领域方向")
    fields_open: bool = Field(default=False, description="不限领域: any field may apply")
    quota: Quantity | None = None
    budget: Budget | None = None
    duration: Duration | None = None
    host_organisation: I18nText | None = None
    details: list[DirectionDetail] = Field(default_factory=list)
    description: I18nText | None = None
    requirements: list[Requirement] = Field(default_factory=list)
    kpis: list[Code] = Field(default_factory=list)


class DocumentType(StrEnum):
    APPLICATION_FORM = "application_form"  # 申报表 (Word)
    PROPOSAL = "proposal"
    GOVERNMENT_ENDORSEMENT = "government_endorsement"
    JOINT_LAB_PLAN = "joint_lab_plan"
    CO_CONSTRUCTION_AGREEMENT = "co_construction_agreement"
    IP_AGREEMENT = "ip_agreement"
    COOPERATION_AGREEMENT = "cooperation_agreement"
    EXTERNAL_PROGRAMME_STATUS = "external_programme_status"
    AFFILIATION_PROOF = "affiliation_proof"
    SUPPORTING_MEDIA = "supporting_media"
    SUPPORTING_MATERIAL = "supporting_material"
    OTHER = "other"


class FileFormat(StrEnum):
    DOCX = "docx"
    DOC = "doc"
    PDF = "pdf"
    XLSX = "xlsx"
    JPG = "jpg"
    PNG = "png"
    MP3 = "mp3"
    MP4 = "mp4"
    ZIP = "zip"


class RequiredDocument(Strict):
    code: Code
    name: I18nText
    type: DocumentType
    required: bool = True
    directions: list[Code] = Field(default_factory=list, description="empty = the whole call")
    formats: list[FileFormat] = Field(default_factory=lambda: [FileFormat.PDF])
    max_size_mb: int = Field(default=20, ge=1, le=2048)
    share_link_over_mb: int | None = Field(default=None, ge=1, le=2048, description="larger files are given as share links")
    multiple: bool = False
    issuer: I18nText | None = Field(default=None, description="who must sign or stamp it")
    signed_before: dt.date | None = None
    one_application_per_document: bool = False
    anonymous: bool = Field(
        default=False,
        description="holds no applicant identity: reviewers may open it in stages that hide the applicant's identity",
    )
    template: I18nText | None = None
    note: I18nText | None = None

    @model_validator(mode="after")
    def _share(self) -> RequiredDocument:
        if self.share_link_over_mb is not None and self.share_link_over_mb > self.max_size_mb:
            raise PydanticCustomError(
                "share_link_threshold",
                "share_link_over_mb must not exceed max_size_mb",
                {"share": self.share_link_over_mb, "max": self.max_size_mb},
            )
        return self


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    EMAIL = "email"
    URL = "url"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    COUNTRY = "country"
    DIRECTION_FIELD = "direction_field"  # one of the chosen direction's 领域方向
    FILE = "file"  # an uploaded file, kept as an attachment under the field's code
    BUDGET = "budget"  # a budget table (经费预算表): categories × funding sources, with totals


class Choice(Strict):
    value: Code
    label: I18nText


#: Application attributes a form field may be bound to (the field then edits that attribute).
BindTarget = Literal[
    "title",
    "english_title",
    "duration_months",
    "requested_yuan",
    "fields",
    "subtopics",
    "trl",
    "lead_matching_funds_yuan",
    "funder_grant_share_yuan",
    "external_project_id",
    "external_call_year",
    "external_budget_yuan",
]


class FormField(Strict):
    code: Code
    label: I18nText
    type: FieldType
    binds: BindTarget | None = Field(default=None, description="the application attribute this field edits")
    required: bool = False
    help: I18nText | None = None
    choices: list[Choice] = Field(default_factory=list)
    max_length: int | None = Field(default=None, ge=1)
    min_value: float | None = None
    max_value: float | None = None
    directions: list[Code] = Field(default_factory=list, description="empty = every direction")
    section: I18nText | None = None
    template_labels: list[str] = Field(
        default_factory=list, description="how the funder's own Word 申报表 labels this field (table label or heading)"
    )
    formats: list[FileFormat] = Field(default_factory=list, description="file fields: the formats accepted (empty = PDF)")
    max_size_mb: int | None = Field(default=None, ge=1, le=2048, description="file fields: the largest file (default 20 MB)")
    budget: BudgetSpec | None = Field(
        default=None, description="budget fields: unit, sources and categories (default: 万元, the grant, the four categories)"
    )

    @property
    def budget_spec(self) -> BudgetSpec:
        """A budget field's table (the defaults where the call states none)."""
        return self.budget if self.budget is not None else BudgetSpec()

    @model_validator(mode="after")
    def _choices(self) -> FormField:
        if self.type != FieldType.BUDGET and self.budget is not None:
            raise PydanticCustomError("budget_options_unexpected", "only budget fields have a budget table")
        if self.type == FieldType.BUDGET and self.binds is not None:
            raise PydanticCustomError("budget_bound", "a budget field cannot be bound to an application attribute")
        if self.type != FieldType.FILE and (self.formats or self.max_size_mb is not None):
            raise PydanticCustomError("file_options_unexpected", "only file fields have formats and a size limit")
        if self.type == FieldType.FILE and self.binds is not None:
            raise PydanticCustomError("file_bound", "a file field cannot be bound to an application attribute")
        if self.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not self.choices:
            raise PydanticCustomError("choices_missing", "a choice field needs choices")
        if self.type not in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and self.choices:
            raise PydanticCustomError("choices_unexpected", "only choice fields have choices", {"type": self.type.value})
        dupes = [c for c, n in Counter(c.value for c in self.choices).items() if n > 1]
        if dupes:
            raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(dupes)})
        return self


class StageKind(StrEnum):
    FORMAL_CHECK = "formal_check"  # 形式审查
    SCREENING = "screening"  # 初审
    EXPERT_REVIEW = "expert_review"  # 函评 / 会评 / 终审
    PANEL = "panel"  # 评委会
    LIVE_JUDGING = "live_judging"  # 现场演示、答辩、评委亮分


class ReviewCriterion(Strict):
    code: Code
    name: I18nText
    description: I18nText | None = None
    weight: float = Field(default=1, gt=0, le=10_000)
    scale_min: int = Field(default=0, ge=-10_000, le=10_000)
    scale_max: int = Field(default=10, ge=1, le=10_000)
    not_applicable_allowed: bool = Field(
        default=True, description="a reviewer may mark it not applicable: left out of the total, not counted as 0"
    )

    @model_validator(mode="after")
    def _scale(self) -> ReviewCriterion:
        if self.scale_min >= self.scale_max:
            raise PydanticCustomError(
                "scale_order", "scale_min must be below scale_max", {"min": self.scale_min, "max": self.scale_max}
            )
        return self


class Visibility(StrEnum):
    NEVER = "never"
    AFTER_OWN = "after_own"
    ALWAYS = "always"


class Advancement(Strict):
    """Who moves on to the next stage."""

    to_stage: Code
    rule: Literal["top_n", "prize_tier", "shortlist", "passed"]
    n: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    tier: Code | None = None
    per_direction: bool = True

    @model_validator(mode="after")
    def _params(self) -> Advancement:
        if self.rule == "top_n" and self.n is None:
            raise PydanticCustomError("advancement_needs_n", "top_n needs n")
        if self.rule == "prize_tier" and self.tier is None:
            raise PydanticCustomError("advancement_needs_tier", "prize_tier needs tier")
        return self


class TieBreak(Strict):
    """One rule to order applications with equal scores, tried in the order given."""

    kind: Literal["criterion_mean", "more_reviews", "earlier_submission"]
    criterion: Code | None = None

    @model_validator(mode="after")
    def _criterion(self) -> TieBreak:
        if (self.kind == "criterion_mean") != (self.criterion is not None):
            raise PydanticCustomError("tie_break_criterion", "criterion_mean needs a criterion, and only it takes one")
        return self


class ReviewPart(StrEnum):
    """What of a stage's reviews the applicant sees while answering them (答辩): never who wrote them."""

    COMMENTS = "comments"  # each reviewer's comments for the applicant
    TOTALS = "totals"  # each review's total on 0–100
    SCORES = "scores"  # each criterion's score


class ApplicantResponseSettings(Strict):
    """A window after the reviews in which the applicant answers them in writing (答辩 / rebuttal);
    the reviewers then read the answer and may revise their scores (the earlier ones are kept)."""

    enabled: bool = True
    max_characters: int = Field(default=3000, ge=100, le=50_000, description="the longest answer, in characters")
    deadline: dt.datetime | None = Field(
        default=None, description="the last moment to answer, local time in the call's time zone (or give duration_days)"
    )
    duration_days: int | None = Field(
        default=None, ge=1, le=90, description="days from when staff open the window (or give deadline)"
    )
    applicant_sees: list[ReviewPart] = Field(
        default_factory=lambda: [ReviewPart.COMMENTS],
        min_length=1,
        description="what of the reviews the applicant sees (reviewers are never named)",
    )
    reviewers_may_revise: bool = Field(default=True, description="reviewers may revise their scores after reading the answer")

    @field_validator("deadline")
    @classmethod
    def _plausible(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise _out_of_range()
        return value

    @model_validator(mode="after")
    def _when(self) -> ApplicantResponseSettings:
        if (self.deadline is None) == (self.duration_days is None):
            raise PydanticCustomError("response_deadline_one", "give exactly one of deadline or duration_days")
        if self.deadline is not None and self.deadline.tzinfo is not None:
            raise PydanticCustomError("timeline_offset", "write local times without an offset; the call's timezone applies")
        _unique("applicant_sees", [p.value for p in self.applicant_sees])
        return self


#: A stage's settings that a call may take from the platform rather than state (``platform_defaults``).
StageDefault = Literal["aggregation", "reviewers_per_application", "tie_break"]
#: The same for the selection rules.
SelectionDefault = Literal["about_tolerance_percent"]


class ReviewStage(Strict):
    code: Code
    name: I18nText
    kind: StageKind
    description: I18nText | None = None
    per_direction: bool = True
    reviewers_per_application: int | None = Field(default=None, ge=1, le=100)
    criteria: list[ReviewCriterion] = Field(default_factory=list)
    reviewers_see_other_reviews: Visibility = Visibility.NEVER
    applicant_identity_hidden: bool = False
    comments_visible_to_applicant: bool = False
    chair_sign_off: bool = False
    reviewer_discussion: Visibility = Field(
        default=Visibility.NEVER,
        description="reviewers discuss each application with staff: never, after their own review is submitted, or always",
    )
    panel_opinion: bool = Field(
        default=False, description="a panel head (per direction or category) writes the panel's opinion after the reviews"
    )
    panel_opinion_visible_to_applicant: bool = False
    sign_off_statement_visible_to_applicant: bool = False
    live: bool = False
    contact_with_applicants: bool = False
    aggregation: Literal["mean", "median", "trimmed_mean", "calibrated"] = "mean"
    tie_break: list[TieBreak] = Field(
        default_factory=list, description="empty: each criterion's mean in order, then the earlier submission"
    )
    disagreement_spread: float | None = Field(
        default=30, ge=0, le=100, description="flag an application whose review totals (0–100) spread more than this"
    )
    due: dt.date | None = Field(default=None, description="reviews are due by the end of this day")
    advancement: Advancement | None = None
    applicant_response: ApplicantResponseSettings | None = Field(
        default=None, description="答辩: the applicant may answer the reviews in a window staff open"
    )
    platform_defaults: list[StageDefault] = Field(
        default_factory=list,
        description="settings of this stage that are the platform's default, not the call's own rule (shown to staff as such)",
    )

    @model_validator(mode="after")
    def _criteria(self) -> ReviewStage:
        dupes = [c for c, n in Counter(c.code for c in self.criteria).items() if n > 1]
        if dupes:
            raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(dupes)})
        _unique("platform_defaults", list(self.platform_defaults))
        for t in self.tie_break:
            if t.criterion is not None and t.criterion not in {c.code for c in self.criteria}:
                raise PydanticCustomError(
                    "unknown_reference", "refers to an unknown code", {"value": t.criterion, "path": "tie_break"}
                )
        if self.kind != StageKind.FORMAL_CHECK and self.kind != StageKind.SCREENING and not self.criteria:
            raise PydanticCustomError("stage_needs_criteria", "a scoring stage needs criteria", {"kind": self.kind.value})
        self._discussion_and_opinion()
        if self.applicant_response is not None and self.applicant_response.enabled and not self.criteria:
            raise PydanticCustomError(
                "response_needs_reviews", "an applicant response answers scored reviews: the stage needs criteria"
            )
        return self

    def _discussion_and_opinion(self) -> None:
        # A formal check has no reviewers: nobody to discuss with, no panel to speak for.
        if self.kind == StageKind.FORMAL_CHECK and (self.reviewer_discussion != Visibility.NEVER or self.panel_opinion):
            raise PydanticCustomError(
                "discussion_needs_reviewers", "a formal check has no reviewers to discuss or give an opinion"
            )
        if self.panel_opinion_visible_to_applicant and not self.panel_opinion:
            raise PydanticCustomError("panel_opinion_not_written", "the panel opinion is shown only where the stage has one")
        if self.sign_off_statement_visible_to_applicant and not self.chair_sign_off:
            raise PydanticCustomError("sign_off_not_given", "the sign-off statement is shown only where the chair signs off")


class ReportReviewSettings(Strict):
    """The expert review of a project's mid-term or final report (中期检查 / 结题验收): the criteria the
    experts score (the same as a review stage's), how many experts review each report, whether the
    assignment solver matches them by expertise (otherwise a seeded random draw among those free of
    conflicts), how their totals are combined into the report's result, and how many days a named
    expert has to submit (``due_days``)."""

    kind: Literal["midterm", "final"]
    criteria: list[ReviewCriterion] = Field(min_length=1)
    experts_per_report: int = Field(default=2, ge=1, le=20)
    use_affinity: bool = Field(default=True, description="match experts to reports by expertise; otherwise a seeded random draw")
    aggregation: Literal["mean", "median", "trimmed_mean"] = "mean"
    disagreement_spread: float | None = Field(
        default=30, ge=0, le=100, description="flag a report whose review totals (0–100) spread more than this"
    )
    due_days: int | None = Field(
        default=None,
        ge=1,
        le=365,
        description="days a named expert has to submit: due at the end of that day in the call's time zone (none: no due date)",
    )
    platform_defaults: list[Literal["criteria", "experts_per_report", "due_days"]] = Field(
        default_factory=list,
        description="settings that are the platform's default, not the call's own rule (shown to staff as such)",
    )

    @model_validator(mode="after")
    def _criteria(self) -> ReportReviewSettings:
        dupes = [c for c, n in Counter(c.code for c in self.criteria).items() if n > 1]
        if dupes:
            raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(dupes)})
        _unique("platform_defaults", list(self.platform_defaults))
        return self


class ReviewPolicy(Strict):
    """Call-wide review rules: conflict avoidance (回避) and reviewer load."""

    exclusions_max: int = Field(default=3, ge=0, le=20, description="how many experts an applicant may ask to exclude (0: none)")
    institution_conflict_years: int = Field(
        default=3, ge=0, le=50, description="a reviewer who left the applicant's institution this recently is conflicted"
    )
    default_load: int = Field(default=10, ge=1, le=10_000, description="applications per reviewer unless set per reviewer")
    coauthor_conflict_years: int = Field(
        default=3, ge=0, le=50, description="a reviewer's co-authors of publications this recent are conflicted (0: none)"
    )


class PrizeTier(Strict):
    code: Code
    name: I18nText
    count: int | None = Field(default=None, ge=1, le=MAX_COUNT)
    prize: I18nText | None = None
    amount: Money | None = None


class Cap(Strict):
    """A cap on awards: per partner country or per institution, within some directions."""

    kind: Literal["per_partner_country", "per_institution"]
    max: int = Field(ge=1)
    directions: list[Code] = Field(default_factory=list)
    in_principle: bool = False


class Exclusivity(Strict):
    """Awards in these directions exclude each other for the same key (e.g. partner country)."""

    key: Literal["partner_country", "applicant", "lead_organisation"]
    directions: list[Code] = Field(min_length=2)
    countries: list[Country] = Field(default_factory=list)


class SelectionRules(Strict):
    mode: Literal["ranked", "prize_tiers", "shortlist"] = "ranked"
    per_direction: bool = True
    several_winners_per_direction: bool = True
    award_amount: Literal["requested", "fixed", "none"] = "requested"
    fixed_amount: Money | None = None
    prize_tiers: list[PrizeTier] = Field(default_factory=list)
    caps: list[Cap] = Field(default_factory=list)
    exclusivity: list[Exclusivity] = Field(default_factory=list)
    organisation_awards: list[I18nText] = Field(default_factory=list)
    public_notice_days: int | None = Field(default=None, ge=1, le=365)
    reconsideration_days: int | None = Field(
        default=None, ge=1, le=365, description="复审: days an applicant has to ask for it after a refusal (None: not offered)"
    )
    reserve_list: bool = True
    about_tolerance_percent: int = Field(
        default=10, ge=0, le=100, description="约 / 左右 N: how far either way of N a direction may end (at least one award)"
    )
    platform_defaults: list[SelectionDefault] = Field(
        default_factory=list, description="settings that are the platform's default, not the call's own rule"
    )
    note: I18nText | None = None

    @model_validator(mode="after")
    def _amount(self) -> SelectionRules:
        _unique("selection.platform_defaults", list(self.platform_defaults))
        if self.award_amount == "fixed" and self.fixed_amount is None:
            raise PydanticCustomError("fixed_amount_missing", "award_amount fixed needs fixed_amount")
        if self.mode == "prize_tiers" and not self.prize_tiers:
            raise PydanticCustomError("prize_tiers_missing", "mode prize_tiers needs prize_tiers")
        return self


AgreementParty = Literal["funder", "pi", "institution", "partner"]
Language = Literal["zh-hans", "en"]


def _default_parties() -> list[AgreementParty]:
    return ["funder", "pi", "institution"]


def _default_languages() -> list[Language]:
    return ["zh-hans"]


class WorkingDayDeadline(Strict):
    working_days: int | None = Field(default=None, ge=1, le=3650)
    calendar_days: int | None = Field(default=None, ge=1, le=3650)
    from_event: Literal["results_published", "award_decided", "notice_ended"] = "results_published"
    calendar: Literal["CN"] = "CN"

    @model_validator(mode="after")
    def _one(self) -> WorkingDayDeadline:
        if (self.working_days is None) == (self.calendar_days is None):
            raise PydanticCustomError("deadline_one_count", "give exactly one of working_days or calendar_days")
        return self


class AgreementTerms(Strict):
    required: bool = True
    deadline: WorkingDayDeadline | None = None
    forfeit_when_missed: bool = True
    # The daily job forfeits an agreement unsigned after its last day only where the terms say so.
    # Otherwise (seed 000: forfeited only where the grantee or its institution caused the delay) it
    # goes to staff as overdue, who record the cause and forfeit or extend.
    forfeit_automatically: bool = False
    # Reminders of the signing deadline (``send_agreement_reminders``): one when this many working
    # days are left to sign (the day itself and the last day counted), and one on the last day;
    # 0 sends only the last day's.
    reminder_working_days: int = Field(default=5, ge=0, le=60)
    offer_to_reserve: bool = False
    grantee_change_allowed: bool = True
    parties: list[AgreementParty] = Field(default_factory=_default_parties)
    nda: bool = False
    ip_ownership: I18nText | None = None
    outputs_to_funder_library: bool = False
    project_duration: Duration | None = None
    notes: list[I18nText] = Field(default_factory=list)
    # A budget reallocation (项目变更, kind ``budget``) moving at most this share of the approved grant
    # between categories takes effect without staff approval; 0: every reallocation is decided by staff.
    reallocation_without_approval_percent: int = Field(default=0, ge=0, le=100)


class KpiExemptWhen(Strict):
    """The application's answer that exempts a project from the target, e.g. seed 003's patent KPI
    "基础研究类项目除外": the project declares itself basic research in a choice field."""

    field: Code
    values: list[Code] = Field(min_length=1)


class KpiTemplate(Strict):
    """A target that becomes a project obligation (考核指标).

    ``per`` splits the target into parts, each of which must reach it on its own: ``each_side`` into the
    Chinese and the foreign side (seed 003 1.2 "双方…各派2人次以上"), ``each_country`` into the countries
    (``countries``, China first; empty: China and the project's partner country, seed 003 2.6 "在两国各举办
    一次"). ``conditions`` qualify what counts ("每人…不少于3个月", "50人以上") and travel with the target.
    """

    code: Code
    name: I18nText
    comparator: Literal[">=", ">", "<=", "=", "<"] = ">="
    target: float = Field(ge=0, le=MAX_COUNT * 10_000)
    unit: I18nText
    per: Literal["project", "each_side", "each_country"] = "project"
    countries: list[Country] = Field(default_factory=list, description="per each_country: the countries, China first")
    conditions: I18nText | None = None
    exemption: I18nText | None = None
    exempt_when: KpiExemptWhen | None = None

    @model_validator(mode="after")
    def _parts(self) -> KpiTemplate:
        if self.countries and self.per != "each_country":
            raise PydanticCustomError("countries_unexpected", "countries are for a target per each_country")
        if len(set(self.countries)) != len(self.countries):
            raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(self.countries)})
        if self.exempt_when is not None and self.exemption is None:
            raise PydanticCustomError("exemption_missing", "exempt_when needs the exemption's text")
        return self


class ObligationParty(StrEnum):
    APPLICANT = "applicant"
    INSTITUTION = "institution"
    FUNDER = "funder"
    REVIEWERS = "reviewers"


class Obligation(Strict):
    """An undertaking the call states (承诺), shown to applicants on the call page and in the receipt;
    staff record a breach on an application (seed 000: "方案评审前不组织交流")."""

    code: Code
    text: I18nText
    binds: list[ObligationParty] = Field(min_length=1, description="who the undertaking binds")


class StatedTotals(Strict):
    """Totals as the document states them, reconciled against the directions."""

    directions: int | None = Field(default=None, ge=0)
    partners: int | None = Field(default=None, ge=0)
    projects: Quantity | None = None
    budget: Money | None = None


class Contact(Strict):
    """Organisation-level contact only: no personal phone numbers or e-mail addresses."""

    organisation: I18nText
    email: str | None = None
    address: I18nText | None = None
    role: I18nText | None = None


class CallStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    ARCHIVED = "archived"


class CallDef(Strict):
    code: Slug
    title: I18nText
    year: int = Field(ge=2000, le=2100)
    batch: int | None = Field(default=None, ge=1, le=999)
    reference: str | None = Field(default=None, description="document number, e.g. 中小企通〔2023〕49号")
    example: bool = Field(default=False, description="synthetic call for demos")
    status: CallStatus = CallStatus.PUBLISHED
    published_on: dt.date | None = None
    summary: I18nText | None = None
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    direction_label: I18nText
    source_document: str | None = None
    application_languages: list[Language] = Field(default_factory=_default_languages)
    fees: bool = False
    institution_endorsement: bool = Field(
        default=False, description="依托单位审核: the institution endorses before the formal check"
    )
    benefits: list[I18nText] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _check_timezone(value)


class CallDefinition(Strict):
    schema_version: Literal[1] = 1
    program: ProgramDef
    call: CallDef
    timeline: list[TimelineItem] = Field(min_length=1)
    stated_totals: StatedTotals | None = None
    categories: list[Category] = Field(default_factory=list)
    fields: list[I18nText] = Field(default_factory=list, description="call-wide sectors, e.g. seed 004's 9 industries")
    directions: list[Direction] = Field(default_factory=list)
    budget: Budget | None = None
    duration: Duration | None = None
    eligibility: list[Criterion] = Field(default_factory=list)
    required_documents: list[RequiredDocument] = Field(default_factory=list)
    form: list[FormField] = Field(default_factory=list)
    review_stages: list[ReviewStage] = Field(default_factory=list)
    review_policy: ReviewPolicy = Field(default_factory=ReviewPolicy)
    selection: SelectionRules = Field(default_factory=SelectionRules)
    agreement: AgreementTerms | None = None
    kpi_templates: list[KpiTemplate] = Field(default_factory=list)
    report_reviews: list[ReportReviewSettings] = Field(
        default_factory=list, description="the expert review of mid-term and final reports; none: one overall score"
    )
    obligations: list[Obligation] = Field(default_factory=list)
    lead_organisation_types: list[OrgType] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> CallDefinition:
        _unique("categories", [c.code for c in self.categories])
        _unique("directions", [d.code for d in self.directions])
        _unique("eligibility", [c.code for c in self.eligibility])
        _unique("required_documents", [d.code for d in self.required_documents])
        _unique("form", [f.code for f in self.form])
        _unique("review_stages", [s.code for s in self.review_stages])
        _unique("kpi_templates", [k.code for k in self.kpi_templates])
        _unique("obligations", [o.code for o in self.obligations])
        _unique("report_reviews", [r.kind for r in self.report_reviews])
        _unique("selection.prize_tiers", [t.code for t in self.selection.prize_tiers])

        categories = {c.code for c in self.categories}
        directions = {d.code for d in self.directions}
        criteria = {c.code for c in self.eligibility}
        documents = {d.code for d in self.required_documents}
        stages = {s.code for s in self.review_stages}
        kpis = {k.code for k in self.kpi_templates}
        tiers = {t.code for t in self.selection.prize_tiers}

        if not any(item.kind == TimelineKind.DEADLINE for item in self.timeline):
            raise PydanticCustomError("deadline_missing", "the timeline needs a deadline item")
        for i, item in enumerate(self.timeline):
            if item.stage is not None:
                _known(f"timeline.{i}.stage", item.stage, stages)
        for i, d in enumerate(self.directions):
            if d.category is not None:
                _known(f"directions.{i}.category", d.category, categories)
            for j, req in enumerate(d.requirements):
                for code in req.criteria:
                    _known(f"directions.{i}.requirements.{j}.criteria", code, criteria)
                for code in req.kpis:
                    _known(f"directions.{i}.requirements.{j}.kpis", code, kpis)
            for code in d.kpis:
                _known(f"directions.{i}.kpis", code, kpis)
        if categories and self.directions and any(d.category is None for d in self.directions):
            missing = next(i for i, d in enumerate(self.directions) if d.category is None)
            raise PydanticCustomError(
                "category_missing", "the call has categories: every direction needs one", {"path": f"directions.{missing}"}
            )
        for i, c in enumerate(self.eligibility):
            for code in c.directions:
                _known(f"eligibility.{i}.directions", code, directions)
            for rule in walk_rules(c.rule):
                if isinstance(rule, RequiredDocumentRule):
                    _known(f"eligibility.{i}.rule.document", rule.document, documents)
                    if rule.only_if is not None:
                        _known(f"eligibility.{i}.rule.only_if.field", rule.only_if.field, {f.code for f in self.form})
                if isinstance(rule, ExclusiveDirectionsRule):
                    for code in rule.directions:
                        _known(f"eligibility.{i}.rule.directions", code, directions)
                if isinstance(rule, BUDGET_RULES):
                    self._budget_rule(i, rule)
        for i, doc in enumerate(self.required_documents):
            for code in doc.directions:
                _known(f"required_documents.{i}.directions", code, directions)
        for i, f in enumerate(self.form):
            for code in f.directions:
                _known(f"form.{i}.directions", code, directions)
            if f.type == FieldType.FILE and f.code in documents:
                # A file field's uploads are attachments under its code: it must not be a document's too.
                raise PydanticCustomError(
                    "file_code_taken", "a required document has this code", {"value": f.code, "path": f"form.{i}.code"}
                )
        for i, s in enumerate(self.review_stages):
            if s.advancement is not None:
                _known(f"review_stages.{i}.advancement.to_stage", s.advancement.to_stage, stages)
                if s.advancement.to_stage == s.code:
                    raise PydanticCustomError(
                        "advancement_self", "a stage cannot advance to itself", {"path": f"review_stages.{i}"}
                    )
                if s.advancement.tier is not None:
                    _known(f"review_stages.{i}.advancement.tier", s.advancement.tier, tiers)
        fields = {f.code: f for f in self.form}
        for i, k in enumerate(self.kpi_templates):
            if k.exempt_when is not None:
                _known(f"kpi_templates.{i}.exempt_when.field", k.exempt_when.field, set(fields))
                choices = {c.value for c in fields[k.exempt_when.field].choices}
                for value in k.exempt_when.values:
                    _known(f"kpi_templates.{i}.exempt_when.values", value, choices)
        for i, cap in enumerate(self.selection.caps):
            for code in cap.directions:
                _known(f"selection.caps.{i}.directions", code, directions)
        for i, ex in enumerate(self.selection.exclusivity):
            for code in ex.directions:
                _known(f"selection.exclusivity.{i}.directions", code, directions)
        return self

    def report_review(self, kind: str) -> ReportReviewSettings | None:
        """The review settings of the call's reports of ``kind``, if the call declares them."""
        return next((r for r in self.report_reviews if r.kind == kind), None)

    def _budget_rule(self, i: int, rule: Any) -> None:
        """A budget rule names a budget field (and, for a total, an amount field; for a share, a line of it)."""
        fields = {f.code: f for f in self.form}
        target = fields.get(rule.field)
        if target is None or target.type != FieldType.BUDGET:
            raise PydanticCustomError(
                "budget_field_unknown",
                "not a budget field of the form",
                {"value": rule.field, "path": f"eligibility.{i}.rule.field"},
            )
        spec = target.budget_spec
        if isinstance(rule, BudgetTotalRule):
            amount = fields.get(rule.equals)
            if amount is None or (amount.type not in (FieldType.MONEY, FieldType.NUMBER)):
                raise PydanticCustomError(
                    "amount_field_unknown",
                    "not a money or number field of the form",
                    {"value": rule.equals, "path": f"eligibility.{i}.rule.equals"},
                )
        if isinstance(rule, BudgetShareRule):
            _known(f"eligibility.{i}.rule.line", rule.line, set(spec.line_codes()))
        for source in getattr(rule, "sources", []):
            if source not in spec.sources:
                raise PydanticCustomError(
                    "budget_source_unknown",
                    "the budget field has no such source",
                    {"value": source.value, "path": f"eligibility.{i}.rule.sources"},
                )


def _unique(path: str, codes: list[str]) -> None:
    dupes = sorted(code for code, n in Counter(codes).items() if n > 1)
    if dupes:
        raise PydanticCustomError("duplicate_code", "duplicate code", {"value": ", ".join(dupes), "path": path})


def _known(path: str, code: str, known: set[str]) -> None:
    if code not in known:
        raise PydanticCustomError("unknown_reference", "refers to an unknown code", {"value": code, "path": path})
