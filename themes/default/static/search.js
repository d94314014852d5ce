// search UI: filled in by the search feature
