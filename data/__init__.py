"""Project data: reference extracts derived from shared/ and the synthetic demo builder.

``data/reference/`` holds small real files copied or converted from the read-only
``shared/`` folder (by ``data.refresh_reference``); ``data.demo`` generates the
clearly-labelled synthetic demo layers from them.
"""
