"""Search records, deduplication, screening log and PRISMA 2020 counts of an update.

Modules, one concern each:

- :mod:`~living_review.search.records`: the records table schema and field normalisation;
- :mod:`~living_review.search.importers`: RIS, PubMed MEDLINE (nbib) and Rayyan/ASReview CSV;
- :mod:`~living_review.search.dedupe`: exact identifier and fuzzy bibliographic deduplication;
- :mod:`~living_review.search.screening`: the screening log and its validation;
- :mod:`~living_review.search.relevance`: the relevance model that can order the screening queue;
- :mod:`~living_review.search.simulation`: replay of the recorded decisions under screening orders;
- :mod:`~living_review.search.prisma`: PRISMA 2020 counts for an updated review;
- :mod:`~living_review.search.prisma_figure`: the PRISMA 2020 flow diagram.
"""
