"""The legislator directory: importers for each source format (`importing`, `formats/`), the
postcode table (`postcodes`), finding a supporter's legislators (`lookup`: the public API) and
the organizer's browse-and-edit functions (`directory`)."""
