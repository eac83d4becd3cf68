"""Pure review algorithms: plain data in, plain data out, no Django (import-linter enforces it).

- ``affinity``: Chinese-aware text affinity → sparse top-K ``candidates.Candidates``;
  ``matched_keywords`` to explain a pair.
- ``assignment.assign_reviewers``: k reviewers per application under caps, conflicts,
  locks and exclusions, in ``optimal``, ``random`` or ``fair`` mode, per application or per
  group (``problem`` holds the input and result types; ``flow``, ``fair``, ``groups``,
  ``eligibility`` and ``modes`` the parts).  See docs/adr/0006-review-assignment.md.
"""
