"""Geocoding of the register: free-text and structured search, autocomplete, reverse.

Pure domain code (no Flask): ``normalize`` and ``parse`` read what people type,
``gazetteer`` holds the register in memory with its lookup keys, ``engine`` ranks
forward results, ``reverse`` answers points, ``geocodejson`` writes the results.
"""
