"""Guide-document import, the pure part: read a call document (text, docx, pdf), normalise it
and extract a draft call definition with the source span and a confidence for every value.

Nothing here imports Django: it takes bytes or text and returns plain data, so it can be
tested and benchmarked alone (CONVENTIONS: pure algorithms).
"""
