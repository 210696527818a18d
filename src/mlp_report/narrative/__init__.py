"""The sentences the chapters glue, built from the facts each chapter computed, one module per topic.

Every function is pure: it takes numbers, labels or small tables and returns text, so each branch of
the prose is unit-tested with hand-made facts (``tests/narrative``), including the branches that only
the full profile reaches. Numbers that the prose shows on their own are glued raw and formatted in the
chapter's ``{glue:text}`` roles; the functions here format only the numbers inside their sentences.
"""
