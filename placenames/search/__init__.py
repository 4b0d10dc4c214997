"""Geocoding of the register: free-text and structured search, autocomplete, reverse.

Pure domain code (no Flask): ``normalize`` and ``parse`` read what people type; ``keys``
says under which keys a name is found, ``index_upkeep`` keeps those keys in the database
(``search_keys``) in the transaction of every write, ``names`` looks them up at each query
and ``plates`` reads door plates; ``gazetteer`` is what a worker holds (the units) and the way
to the rest; ``engine`` ranks forward results, ``reverse`` answers points, ``geocodejson``
writes the results.
"""
