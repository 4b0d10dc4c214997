"""pygeoapi inside the Flask app: mounting, the request's language, query limits,
pygeoapi's behaviour adjusted (``compat``) and the ``redistrict`` process (``processes``).

The Flask-free half (provider, configuration builder, CQL2) is ``gis.ogc``.
"""
