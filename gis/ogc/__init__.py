"""Publishing stored layers through OGC API - Features (pygeoapi).

``collections.Collection`` describes what a layer shows, as plain data;
``provider.StoreProvider`` reads it from the ``Store``; ``config`` turns the
descriptions into pygeoapi's configuration; ``mount`` embeds pygeoapi in a Flask app.
"""
