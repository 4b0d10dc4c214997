"""Publishing stored layers through OGC API - Features (pygeoapi), with no web framework.

``collections.Collection`` describes what a layer shows, as plain data;
``provider.StoreProvider`` reads it from the ``Store``; ``config`` turns the
descriptions into pygeoapi's configuration. Embedding pygeoapi in a Flask app is
the web face's job (``api.ogc``).
"""
