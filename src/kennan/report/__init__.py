"""The report: one self-contained HTML file (Jinja2 templates, inline SVG, inline script
and styles, nothing fetched when it is viewed) built from a run and its analysis.

``build`` runs what the report needs and ``render`` fills the templates; ``figures``
draws SVG without a plotting library and ``plots`` draws a run's results with it (the
same figures a notebook shows); ``diagram``, ``mechanism``, ``ladder`` and ``source``
lay out the mechanism diagram, the flip ladders and the quoted source.
"""
