"""Knowledge-base benchmark: ``python -m bench.knowledge`` (``--large 0`` skips the 100,000-chunk index).

Data: ``qa.py`` holds 39 passages and 78 questions written for mokmin about a fictional city (no external
text); ``corpus.py`` generates distractor chunks with the same vocabulary from a fixed seed.
"""
