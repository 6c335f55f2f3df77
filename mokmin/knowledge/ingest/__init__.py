"""One parser per file format, chosen by :mod:`mokmin.knowledge.ingest.registry`; each returns structure
(title, headings, pages, tables as text) and never touches the database."""
