"""The bounds every negotiation table keeps, whatever its format (plain or KTAB)."""

#: The range of positions (and of a reference point) and of capabilities a table may
#: give: wide enough for any scale in use (0-100, 0-1, dollars in millions), narrow
#: enough that the models' products and squares of them stay finite in doubles.
MAX_POSITION = 1e9
MAX_CAPABILITY = 1e12
#: Actors a table may have: the expected utility model's work grows with the square of
#: their number and the SMP's with more than the cube (see
#: :data:`kennan.bargaining.forecast.MAX_SMP_ACTORS`).
MAX_ACTORS = 1000
