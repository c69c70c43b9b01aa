"""What every layer uses and that knows no medicine: paths, decoding and reading files (CSV, YAML),
the problems a check reports, content fingerprints, byte-stable figure files, markup escaping,
number formatting, counts in words, closed option sets (:func:`check_choice`) and the review's
shared vocabularies (:mod:`~living_review.core.vocabularies`)."""
