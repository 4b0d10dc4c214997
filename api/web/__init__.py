"""Flask pieces shared by the web application: error rendering, HTTP caching, health, OGC page assets."""
