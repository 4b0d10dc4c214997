"""Door-number (门牌号) assignment along named roads.

Modules, one idea each: ``settings`` (conventions as data), ``geometry`` (merged
centrelines, chainage and side), ``plan`` (the pure numbering rule), ``frontage``
(which buildings front which road), ``address`` (standard address text and parts),
``context`` (loading a run's data in bulk), ``service`` (preview and commit), ``lifecycle`` (retire,
renumber), ``models`` (stored settings and change history).
"""
