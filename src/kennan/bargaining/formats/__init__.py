"""Readers of the tables bargaining models run on, each failing with one located line.

``tables`` reads a plain or KTAB negotiation table (``smp_ktab`` reads KTAB's CSV);
``deu`` reads the Decision-making in the European Union data set; ``textfile`` is
the bounded text read they share, and ``limits`` the bounds every table keeps.
"""
