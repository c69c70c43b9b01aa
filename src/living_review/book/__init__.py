"""Building the book: chapter generation, the execution of the chapters that need it (in
parallel), the Sphinx extensions, the site's downloads and the check for stale images."""
