"""MRIO tables: the data model, readers (one per published layout), the Leontief solve, the
attribution of producer emissions to final demand, and its tables."""
