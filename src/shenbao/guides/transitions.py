"""The guide-import lifecycle as a declared table: extracted, then saved as a draft call (again
while that call is still a draft, which updates it). A large document is first queued and read in
the background, which ends extracted or failed."""

from shenbao.core.lifecycle import Lifecycle
from shenbao.guides.enums import GuideImportStatus as G

GUIDE_IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    G.QUEUED: frozenset({G.EXTRACTED, G.FAILED}),
    G.FAILED: frozenset(),
    G.EXTRACTED: frozenset({G.SAVED}),
    G.SAVED: frozenset({G.SAVED}),
}

GUIDE_IMPORT_LIFECYCLE = Lifecycle(
    "guide_import", GUIDE_IMPORT_TRANSITIONS, dict(G.choices), "shenbao.guide", initial=frozenset({G.EXTRACTED, G.QUEUED})
)
