"""Road-sign (路牌) and door-plate (门牌/楼牌/单元牌/户牌) inventory and its inspections (检查验收).

``models`` (stored items, rounds, results), ``inventory`` (adding items, demo
signs at intersections), ``inspections`` (rounds, results, re-inspection),
``reports`` (pass rates by road and subdistrict, items due, text out of date),
``export`` and ``exchange`` (the inventory written to and read back from files),
``rowcheck`` (row-by-row problems of an imported file).
"""
